"""The device's side of commands: fetch them from the hub, run them on the board, ack them.

Imported by the other examples of this lesson; it prints nothing itself.
"""

from __future__ import annotations

import httpx
import serial


# --8<-- [start:answer]
def read_answer(port: serial.SerialBase) -> str:
    """Read lines until the board's answer (OK ... or ERR ...); "" if nothing came in time."""
    while True:
        line = port.readline().decode().strip()
        if line == "" or line.startswith(("OK", "ERR")):
            return line
        # anything else is a sample ({"seq": ...}) printed meanwhile: not the answer
# --8<-- [end:answer]


# --8<-- [start:poll]
def poll_and_run(client: httpx.Client, device_id: str, port: serial.SerialBase) -> list[str]:
    """Run every pending command of the device on its board; acknowledge each one."""
    response = client.get(f"/api/v1/devices/{device_id}/commands")  # pending, oldest first
    response.raise_for_status()
    answers = []
    for command in response.json()["commands"]:
        line = f"{command['name']} {command['value']}".upper()  # {"heater", "on"} -> HEATER ON
        port.write(line.encode() + b"\n")
        answer = read_answer(port)
        status = "done" if answer.startswith("OK") else "failed"
        ack = {"status": status, "detail": answer}
        url = f"/api/v1/devices/{device_id}/commands/{command['id']}/ack"
        client.post(url, json=ack).raise_for_status()
        answers.append(answer)
    return answers
# --8<-- [end:poll]
