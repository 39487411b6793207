"""A winter day with the hub in the loop: the board reports, the hub decides, the board obeys.

Prints the temperature and the heater at every hour, and draws the lesson's figure,
lessons/assets/08-commands/thermostat-day.svg. The same seed gives the same day: the table
is the same on every run (the test compares it), and so is the figure drawn from it (only
a new matplotlib may draw the same lines with other bytes).
"""

import json
from pathlib import Path

import httpx
import matplotlib
from device import poll_and_run
from thermostat import HIGH, LOW, heater_should_be_on, winter_board

from hubkit import running_hub

matplotlib.use("svg")  # draw to a file, without a window
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

FIGURE = Path(__file__).resolve().parents[2] / "assets" / "08-commands" / "thermostat-day.svg"


# --8<-- [start:report]
def report(device: httpx.Client, device_id: str, port) -> float | None:
    """The device: wait for the board's next sample, post its temperature to the hub."""
    sample = json.loads(port.readline())  # hub_node sends one a minute
    if sample["temperature"] is None:  # the DHT22 failed this time: nothing to post
        return None
    reading = {"sensor": "temperature", "value": sample["temperature"], "unit": "C",
               "recorded_at": port.world.clock.datetime().isoformat()}  # simulated time
    device.post(f"/api/v1/devices/{device_id}/readings", json=reading).raise_for_status()
    return sample["temperature"]
# --8<-- [end:report]


# --8<-- [start:step]
def thermostat_step(admin: httpx.Client, device_id: str, heater_on: bool) -> bool:
    """The hub's thermostat: read the latest temperature; queue a command to change the heater."""
    response = admin.get(f"/api/v1/devices/{device_id}/readings/latest")
    response.raise_for_status()
    latest = {r["sensor"]: r["value"] for r in response.json()["readings"]}
    if "temperature" not in latest:  # no temperature yet: change nothing
        return heater_on
    wanted = heater_should_be_on(latest["temperature"], heater_on)
    if wanted != heater_on:
        command = {"name": "heater", "value": "on" if wanted else "off"}
        admin.post(f"/api/v1/devices/{device_id}/commands", json=command).raise_for_status()
    return wanted
# --8<-- [end:step]


def run_day() -> list[tuple[str, float, float | None, bool]]:
    """24 simulated hours, one step a minute; returns (time, hours, temperature, heater)."""
    log = []
    # --8<-- [start:day]
    with running_hub() as hub, winter_board() as port:
        device_id, key = hub.register("Living room")
        in_process = httpx.WSGITransport(app=hub.app)  # no network: a day in seconds
        admin = httpx.Client(transport=in_process, base_url=hub.url,
                             headers={"Authorization": f"Bearer {hub.admin_token}"})
        device = httpx.Client(transport=in_process, base_url=hub.url,
                              headers={"X-API-Key": key})
        heater_on = False  # what the thermostat last asked for
        with admin, device:
            for _ in range(24 * 60):  # one step a simulated minute
                temperature = report(device, device_id, port)  # the device reports
                heater_on = thermostat_step(admin, device_id, heater_on)  # the hub decides
                poll_and_run(device, device_id, port)  # the device obeys
                relay = port.board.parts["heater"]
                log.append((port.world.clock.datetime().strftime("%H:%M"),
                            port.world.clock.now() / 3600, temperature, relay.is_on))
        print(f"the heater switched {relay.switches} times")
    # --8<-- [end:day]
    return log


def print_table(log: list[tuple[str, float, float | None, bool]]) -> None:
    """One line an hour: the time, what the DHT22 read, the heater."""
    print("time   temperature  heater")
    for minute, (clock, _, temperature, heater) in enumerate(log):
        if minute % 60 == 0:
            shown = "failed" if temperature is None else f"{temperature:.1f} °C"
            print(f"{clock}  {shown:>11}  {'on' if heater else 'off'}")
    after_warm_up = [t for _, _, t, _ in log[60:] if t is not None]
    print(f"after the first hour: {min(after_warm_up):.1f} to {max(after_warm_up):.1f} °C")


def draw(log: list[tuple[str, float, float | None, bool]], path: Path) -> None:
    """Temperature and heater over the day, in one SVG file that is the same on every run."""
    plt.rcParams["svg.hashsalt"] = "08-commands"  # the SVG's ids, the same every run
    plt.rcParams["svg.fonttype"] = "none"  # text stays text: a smaller file
    hours = [6 + h for _, h, _, _ in log]  # the day starts at 06:00
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(8, 4.5),
                                      height_ratios=[3, 1])
    top.axhspan(LOW, HIGH, color="tab:green", alpha=0.15,
                label=f"the band, {LOW:.0f}-{HIGH:.0f} °C")
    read = [(6 + h, t) for _, h, t, _ in log if t is not None]  # leave out failed reads
    top.plot([h for h, _ in read], [t for _, t in read], color="tab:red", lw=1,
             label="temperature (DHT22)")
    top.set_ylabel("°C")
    top.legend(loc="lower right", fontsize=8)
    bottom.fill_between(hours, [int(h) for *_, h in log], step="post", color="tab:orange")
    bottom.set_yticks([0, 1], ["off", "on"])
    bottom.set_ylabel("heater")
    bottom.set_xticks(range(6, 31, 3), [f"{h % 24:02d}:00" for h in range(6, 31, 3)])
    bottom.set_xlim(6, 30)
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})  # no date: the same bytes
    plt.close(fig)


log = run_day()
print_table(log)
draw(log, FIGURE)
print("figure:", FIGURE.name)
