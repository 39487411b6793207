"""The device's side of MQTT: a board on a serial port, and an MQTT client beside it.

The Uno has no network, so a small program on the computer at the end of its USB cable
speaks MQTT for it (a board with Wi-Fi, such as an ESP32, does the same by itself).
Imported by the other examples of this lesson; it prints nothing itself.
"""

from __future__ import annotations

import json

import serial

from mqttkit import topic


def read_answer(port: serial.SerialBase) -> str:
    """Read lines until the board's answer (OK ... or ERR ...); "" if nothing came in time."""
    while True:
        line = port.readline().decode().strip()
        if line == "" or line.startswith(("OK", "ERR")):
            return line


# --8<-- [start:run_command]
def run_command(port: serial.SerialBase, command: dict) -> dict:
    """Run a command of the hub on the board; return the ack to publish."""
    line = f"{command['name']} {command['value']}".upper()  # {"heater", "on"} -> HEATER ON
    port.write(line.encode() + b"\n")
    answer = read_answer(port)
    status = "done" if answer.startswith("OK") else "failed"
    return {"id": command["id"], "status": status, "detail": answer or "no answer from the board"}


def serve_commands(client, device_id: str, port: serial.SerialBase) -> None:
    """Run each command that arrives on home/<device>/commands; publish its ack."""

    def on_message(client, userdata, message):
        ack = run_command(port, json.loads(message.payload))
        client.publish(topic(device_id, "acks"), json.dumps(ack), qos=1)

    client.on_message = on_message
    client.subscribe(topic(device_id, "commands"), qos=1)
# --8<-- [end:run_command]
