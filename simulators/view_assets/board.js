// The live board view in the browser: an anywidget front-end module, plain JavaScript with
// no build step and nothing fetched from the network (simulators/view.py is the kernel side).
//
// The kernel draws the picture (the model's "svg") and then sends only values ("state").
// Here the picture goes into the page and each value is applied to the elements bound to its
// key:  data-text -> the text,  data-flag -> the class "on",  data-opacity -> opacity (times
// data-scale),  data-angle -> rotate(angle cx cy),  data-points -> a polyline's points.
// LED changes between two updates arrive as timed events ([[t, value], ...]) and are replayed
// at their simulated times in realtime mode, so a fast blink is shown as it is, not sampled.
// Controls send {do, target, value}; the kernel calls the same Python methods a notebook
// would. The serial monitor ("serial") shows the lines each Uno printed and sends a line.

const BINDINGS = ["text", "flag", "opacity", "angle", "points"];
const ENDINGS = [["\n", "Newline"], ["", "No line ending"], ["\r", "Carriage return"],
  ["\r\n", "Both NL & CR"]];

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Every bound element of the picture, by key: {key: [[binding, element], ...]}.
function collectBindings(root) {
  const bound = {};
  for (const binding of BINDINGS) {
    for (const node of root.querySelectorAll(`[data-${binding}]`)) {
      const key = node.getAttribute(`data-${binding}`);
      (bound[key] ??= []).push([binding, node]);
    }
  }
  return bound;
}

// Apply one value to every element bound to its key (the same rules as view.py's Canvas).
function applyValue(bound, key, value) {
  for (const [binding, node] of bound[key] ?? []) {
    if (binding === "text") {
      node.textContent = value ?? "";
    } else if (binding === "flag") {
      node.classList.toggle("on", Boolean(value));
    } else if (binding === "opacity") {
      const scale = Number(node.getAttribute("data-scale") ?? 1);
      node.setAttribute("opacity", String(Math.round((Number(value) || 0) * scale * 1000) / 1000));
    } else if (binding === "angle") {
      const cx = node.getAttribute("data-cx"), cy = node.getAttribute("data-cy");
      node.setAttribute("transform", `rotate(${Number(value) || 0} ${cx} ${cy})`);
    } else if (binding === "points") {
      node.setAttribute("points", value ?? "");
    }
  }
}

// Press while the pointer (or Space / Enter) is down, release when it comes up.
function makeHoldable(node, target, send) {
  let held = false;
  const press = (event) => {
    if (held) return;
    held = true;
    node.classList.add("held");
    if (event.pointerId !== undefined && node.setPointerCapture) node.setPointerCapture(event.pointerId);
    send({ do: "press", target });
  };
  const release = () => {
    if (!held) return;
    held = false;
    node.classList.remove("held");
    send({ do: "release", target });
  };
  node.addEventListener("pointerdown", (event) => { event.preventDefault(); press(event); });
  node.addEventListener("pointerup", release);
  node.addEventListener("pointercancel", release);
  node.addEventListener("lostpointercapture", release);
  node.addEventListener("keydown", (event) => {
    if ((event.key === " " || event.key === "Enter") && !event.repeat) { event.preventDefault(); press(event); }
  });
  node.addEventListener("keyup", (event) => { if (event.key === " " || event.key === "Enter") release(); });
  node.addEventListener("blur", release);
}

function render({ model, el }) {
  el.classList.add("b2b-view");
  const left = element("div", "b2b-left");
  const picture = element("div", "b2b-picture");
  const controls = element("div", "b2b-controls");
  const message = element("div", "b2b-message");
  const side = element("div", "b2b-side");
  left.append(picture, controls, message);
  el.append(left, side);
  // Keys typed into the widget's boxes are the widget's: JupyterLab's notebook shortcuts
  // (Enter, A, B, D D, ...) listen further up the page and would take them otherwise.
  for (const type of ["keydown", "keypress", "keyup"]) {
    el.addEventListener(type, (event) => {
      if (event.target.closest("input, select, textarea, button")) event.stopPropagation();
    });
  }

  const send = (content) => model.send(content);
  let bound = {};
  let values = {};
  let lastT = null;  // simulated time of the previous update
  let pending = [];  // [timer id, apply] of LED events not replayed yet
  let updates = 0;
  let controlNodes = [];
  const monitors = {};

  function flushEvents() {
    for (const [id, apply] of pending) { clearTimeout(id); apply(); }
    pending = [];
  }

  function drawPicture() {
    flushEvents();
    picture.innerHTML = model.get("svg");
    const svg = picture.querySelector("svg");
    if (svg) {
      const height = svg.getAttribute("data-live-height");  // the live view has its own monitor
      if (height) {
        svg.setAttribute("viewBox", `0 0 ${svg.getAttribute("width")} ${height}`);
        svg.setAttribute("height", height);
      }
      for (const node of svg.querySelectorAll("[data-hold]")) {
        makeHoldable(node, node.getAttribute("data-hold"), send);
      }
      for (const node of svg.querySelectorAll("[data-room]")) {
        node.addEventListener("click", () => send({ do: "room", target: node.getAttribute("data-room") }));
      }
    }
    bound = collectBindings(picture);
    for (const [key, value] of Object.entries(values)) applyValue(bound, key, value);
  }

  function onState() {
    const state = model.get("state") || {};
    flushEvents();
    values = state.values || {};
    const events = state.events || {};
    const replay = state.mode === "realtime" && lastT !== null;
    for (const [key, value] of Object.entries(values)) {
      if (!(replay && events[key])) applyValue(bound, key, value);
    }
    if (replay) {
      const speed = state.speed || 1;
      for (const [key, list] of Object.entries(events)) {
        for (const [t, value] of list) {
          const apply = () => applyValue(bound, key, value);
          const delay = Math.max(0, ((t - lastT) / speed) * 1000);
          const id = setTimeout(() => {
            pending = pending.filter((entry) => entry[0] !== id);
            apply();
          }, delay);
          pending.push([id, apply]);
        }
      }
    }
    lastT = state.t ?? null;
    updates += 1;
    el.setAttribute("data-updates", String(updates));
    el.setAttribute("data-t", String(state.t));
    syncControls();
  }

  function slider(control) {
    const label = element("label", "b2b-slider", control.label + " ");
    const input = element("input");
    Object.assign(input, { type: "range", min: control.min, max: control.max, step: control.step });
    input.setAttribute("data-target", control.target);
    const shown = element("span", "b2b-number");
    label.append(input, shown);
    let auto = null;
    if (control.auto) {
      auto = element("input");
      auto.type = "checkbox";
      const autoLabel = element("label", "", " day cycle");
      autoLabel.prepend(auto);
      label.append(autoLabel);
      auto.addEventListener("change", () => send({
        do: control.do, target: control.target, value: auto.checked ? null : Number(input.value),
      }));
    }
    let last = 0;
    const push = (force) => {
      shown.textContent = input.value;
      if (auto) auto.checked = false;
      const now = Date.now();
      if (force || now - last > 100) {
        last = now;
        send({ do: control.do, target: control.target, value: Number(input.value) });
      }
    };
    input.addEventListener("input", () => push(false));
    input.addEventListener("change", () => push(true));
    return { node: label, input, shown, auto };
  }

  function drawControls() {
    controls.replaceChildren();
    controlNodes = [];
    for (const control of model.get("controls") || []) {
      let entry;
      if (control.kind === "hold") {
        const button = element("button", "b2b-hold", control.label);
        button.setAttribute("data-target", control.target);
        button.title = "press and hold";
        makeHoldable(button, control.target, send);
        entry = { node: button };
      } else if (control.kind === "action") {
        const button = element("button", "b2b-action", control.label);
        button.setAttribute("data-target", control.target);
        button.addEventListener("click", () => send({
          do: control.do, target: control.target, value: control.arg ?? null,
        }));
        entry = { node: button };
      } else if (control.kind === "toggle") {
        const button = element("button", "b2b-toggle");
        button.setAttribute("data-target", control.target);
        button.addEventListener("click", () => send({
          do: control.do, target: control.target,
          value: values[control.value] ? control.on_value : control.off_value,
        }));
        entry = { node: button };
      } else if (control.kind === "slider") {
        entry = slider(control);
      } else {
        continue;
      }
      controls.append(entry.node);
      controlNodes.push([control, entry]);
    }
    syncControls();
  }

  function syncControls() {
    for (const [control, entry] of controlNodes) {
      const value = values[control.value];
      if (control.kind === "toggle") {
        entry.node.textContent = value ? control.on : control.off;
      } else if (control.kind === "hold") {
        entry.node.setAttribute("data-pressed", value ? "1" : "0");
      } else if (control.kind === "slider" && value !== undefined) {
        if (document.activeElement !== entry.input) {  // not while someone drags it
          entry.input.value = value;
          entry.shown.textContent = String(value);
        }
        if (entry.auto) entry.auto.checked = Boolean(values[control.auto]);
      }
    }
  }

  function makeMonitor(name) {
    const root = element("section", "b2b-monitor");
    root.setAttribute("data-board", name);
    const header = element("header");
    const status = element("span", "b2b-status");
    header.append(element("b", "", `Serial monitor · ${name}`), status);
    const lines = element("div", "b2b-lines");
    const form = element("form", "b2b-send");
    const input = element("input");
    Object.assign(input, { type: "text", placeholder: "a line for the sketch, e.g. LED ON" });
    const ending = element("select");
    for (const [value, label] of ENDINGS) ending.append(new Option(label, value));
    const submit = element("button", "", "Send");
    submit.type = "submit";
    const clear = element("button", "", "Clear");
    clear.type = "button";
    form.append(input, ending, submit, clear);
    root.append(header, lines, form);
    const monitor = { root, status, lines, clearedAt: -1, shown: [] };
    const sendLine = () => {
      send({ do: "send", target: name, value: input.value, ending: ending.value });
      input.value = "";
    };
    form.addEventListener("submit", (event) => { event.preventDefault(); sendLine(); });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); sendLine(); }
    });
    clear.addEventListener("click", () => {
      const last = monitor.shown[monitor.shown.length - 1];
      monitor.clearedAt = last ? last[0] : monitor.clearedAt;
      showLines(monitor, monitor.shown);
    });
    side.append(root);
    return monitor;
  }

  function showLines(monitor, lines) {
    monitor.shown = lines;
    const box = monitor.lines;
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    box.replaceChildren(...lines.filter(([t]) => t > monitor.clearedAt).map(([t, text]) => {
      const row = element("div", "b2b-line");
      row.append(element("span", "t", `${t.toFixed(3).padStart(9)} s  `), document.createTextNode(text));
      return row;
    }));
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  function drawSerial() {
    const serial = model.get("serial") || {};
    for (const [name, info] of Object.entries(serial)) {
      const monitor = monitors[name] ?? (monitors[name] = makeMonitor(name));
      monitor.status.textContent = info.status;
      showLines(monitor, info.lines || []);
    }
    for (const name of Object.keys(monitors)) {
      if (!(name in serial)) { monitors[name].root.remove(); delete monitors[name]; }
    }
  }

  function showMessage() { message.textContent = model.get("message") || ""; }

  values = (model.get("state") || {}).values || {};
  drawPicture();
  drawControls();
  drawSerial();
  onState();
  showMessage();
  model.on("change:svg", drawPicture);
  model.on("change:state", onState);
  model.on("change:controls", drawControls);
  model.on("change:serial", drawSerial);
  model.on("change:message", showMessage);
  send({ do: "rendered" });  // a browser shows this view (see BoardView._after_cell)

  return () => {
    for (const [id] of pending) clearTimeout(id);
    pending = [];
    model.off("change:svg", drawPicture);
    model.off("change:state", onState);
    model.off("change:controls", drawControls);
    model.off("change:serial", drawSerial);
    model.off("change:message", showMessage);
  };
}

export default { render };
