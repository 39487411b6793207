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
