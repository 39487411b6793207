"""A live hub fed by the simulated Uno, for the dashboards' browser tests.

`Gateway` relays between a `hub_node` sketch on the virtual clock (through real pyserial)
and a hub served over HTTP: readings up, commands down and acknowledged. `wait_for_page`
reloads a browser page until what the gateway sent shows.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import serial

import simulators  # noqa: F401  (pyserial opens sim:// URLs once it is imported)


class Gateway:
    """The test's gateway between the simulated Uno and the hub, in one thread.

    Each turn reads one line from the board (one simulated second: the virtual clock moves
    only while it waits): a JSON sample becomes readings. Then it asks the hub for the
    device's pending commands, writes each to the board (``HEATER ON``), reads the answer
    (``OK HEATER ON`` or ``ERR ...``) and acknowledges the command ``done`` or ``failed``.
    """

    SENSORS = (("temperature", "C"), ("humidity", "%"), ("light", "raw"))

    def __init__(self, hub_url: str, device_id: str, key: str) -> None:
        self.device_id = device_id
        self.hub = httpx.Client(base_url=hub_url, headers={"X-API-Key": key}, timeout=10)
        url = "sim://uno?sketch=hub_node&seed=7&clock=virtual&interval=1000&boot_ms=0"
        self.port = serial.serial_for_url(url, baudrate=9600, timeout=2)
        self.board = self.port.board
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.samples = 0
        self.thread = threading.Thread(target=self.run, name="gateway", daemon=True)

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.forward(self.port.readline().decode("ascii", "replace").strip())
                self.relay_commands()
                self.stop.wait(0.2)  # a few turns a second: the page has time to show them
        except Exception as error:  # shown by the test that reads self.errors
            self.errors.append(f"{type(error).__name__}: {error}")

    def forward(self, line: str) -> None:
        """Post the readings of one JSON sample (a banner or an empty line is skipped)."""
        if not line.startswith("{"):
            return
        sample = json.loads(line)
        readings = [{"sensor": sensor, "value": sample[sensor], "unit": unit,
                     "seq": sample["seq"] * 10 + index}
                    for index, (sensor, unit) in enumerate(self.SENSORS)
                    if sample.get(sensor) is not None]
        if readings:
            path = f"/api/v1/devices/{self.device_id}/readings"
            self.hub.post(path, json={"readings": readings}).raise_for_status()
            self.samples += 1

    def relay_commands(self) -> None:
        """Carry out the pending commands on the board and acknowledge each one."""
        path = f"/api/v1/devices/{self.device_id}/commands"
        for command in self.hub.get(path).raise_for_status().json()["commands"]:
            self.port.write(f"{command['name']} {command['value']}\n".upper().encode())
            answer = ""
            while not answer.startswith(("OK", "ERR")):
                answer = self.port.readline().decode("ascii", "replace").strip()
                if not answer:
                    raise AssertionError(f"the board did not answer {command}")
            status = "done" if answer.startswith("OK") else "failed"
            self.hub.post(f"{path}/{command['id']}/ack",
                          json={"status": status, "detail": answer}).raise_for_status()

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        self.thread.join(timeout=20)
        self.port.close()
        self.hub.close()


def wait_for_page(page: Any, condition: Any, gateway: Gateway, timeout: float = 20) -> None:
    """Reload the page until ``condition()`` holds (the page also refreshes itself)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert not gateway.errors, f"the gateway failed: {gateway.errors}"
        assert time.monotonic() < deadline, f"the page did not show it in {timeout} s"
        time.sleep(0.5)
        page.reload()


def drive_the_dashboard(page: Any, url: str, token: str) -> None:
    """The journey both dashboards (Flask and Django, twins) must answer alike, in a real
    browser against the hub at ``url``: a logged-out browser is sent to the log-in, a wrong
    token is refused and the right one lets in, the values a gateway relays from the
    simulated Uno appear (latest values, the chart), "Heater on" reaches the board's relay
    and the command shows done, and logging out locks the pages again."""
    created = httpx.post(f"{url}/api/v1/devices", timeout=10,
                         headers={"Authorization": f"Bearer {token}"},
                         json={"id": "living-room", "name": "Living room", "kind": "arduino-uno"})
    assert created.status_code == 201, created.text
    page.set_default_timeout(20_000)

    with page.steps("logged-out"):
        page.goto(f"{url}/dashboard/")
        assert page.url == f"{url}/dashboard/login", "a logged-out browser goes to the log-in"
        page.steps.shot("login")

    with page.steps("login"):
        page.fill("input[name=token]", "not-the-token")
        page.click("button:has-text('Log in')")
        page.wait_for_selector("text=That is not the admin token.")
        page.fill("input[name=token]", token)
        page.click("button:has-text('Log in')")
        page.wait_for_url(f"{url}/dashboard/")
        page.wait_for_selector("text=Living room")
        assert page.locator("text=no readings yet").count() == 1

    with Gateway(url, "living-room", created.json()["api_key"]) as gateway:
        with page.steps("values-appear"):
            wait_for_page(page, lambda: "temperature" in page.inner_text("table"), gateway)
            page.steps.shot("index")
            page.click("text=Living room")
            page.wait_for_url(f"{url}/dashboard/devices/living-room")
            wait_for_page(page, lambda: page.locator("#chart polyline").count() == 1
                          and len(page.get_attribute("#chart polyline", "points").split()) >= 3,
                          gateway)
            latest = page.inner_text("#latest")
            for sensor in ("temperature", "humidity", "light"):
                assert sensor in latest, f"{sensor} is missing from the latest values: {latest}"
            value = float(page.inner_text("#latest li[data-sensor=temperature] .value"))
            assert 5 < value < 40, f"a room temperature, not {value}"
            page.steps.shot("device")

        with page.steps("press-heater-on"):
            assert not gateway.board.parts["heater"].is_on
            page.click("button:has-text('Heater on')")
            page.wait_for_selector("text=Queued command 1: heater on.")
            deadline = time.monotonic() + 20
            while not gateway.board.parts["heater"].is_on and time.monotonic() < deadline:
                assert not gateway.errors, gateway.errors
                time.sleep(0.1)
            assert gateway.board.parts["heater"].is_on, "the heater relay did not switch on"
            assert gateway.board.world.room.heater_on, "the room's heater is not on"
            wait_for_page(page, lambda: "done: OK HEATER ON" in page.inner_text("#commands"),
                          gateway)
            page.steps.shot("heater-on")

        with page.steps("logout"):
            page.click("button:has-text('Log out')")
            page.wait_for_selector("text=You are logged out.")
            page.goto(f"{url}/dashboard/devices/living-room")
            assert page.url == f"{url}/dashboard/login"
    assert not gateway.errors, gateway.errors
    print("\n" + "\n".join(page.steps.times))
