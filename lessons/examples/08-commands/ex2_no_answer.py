"""Exercise 2: a board that never answers (it runs blink): what does the hub hear?"""

import httpx
import serial
from device import poll_and_run, read_answer

import simulators  # noqa: F401  (teaches pyserial the sim:// URLs)
from hubkit import running_hub

URL = "sim://uno?sketch=blink&seed=1&clock=virtual"


# --8<-- [start:fix]
def poll_and_run_or_fail(client, device_id, port):
    """poll_and_run(), with a clear detail when the board says nothing in time."""
    response = client.get(f"/api/v1/devices/{device_id}/commands")
    response.raise_for_status()
    answers = []
    for command in response.json()["commands"]:
        line = f"{command['name']} {command['value']}".upper()
        port.write(line.encode() + b"\n")
        answer = read_answer(port)
        if answer.startswith("OK"):
            ack = {"status": "done", "detail": answer}
        elif answer == "":  # readline() gave up after port.timeout seconds
            ack = {"status": "failed",
                   "detail": f"no answer from the board within {port.timeout} s"}
        else:
            ack = {"status": "failed", "detail": answer}
        url = f"/api/v1/devices/{device_id}/commands/{command['id']}/ack"
        client.post(url, json=ack).raise_for_status()
        answers.append(answer)
    return answers
# --8<-- [end:fix]


with running_hub() as hub, serial.serial_for_url(URL, timeout=2) as port:
    port.readline()  # blink prints its banner, then never reads the port
    device_id, key = hub.register("Living room")
    url = f"/api/v1/devices/{device_id}/commands"
    admin = httpx.Client(base_url=hub.url,
                         headers={"Authorization": f"Bearer {hub.admin_token}"})
    device = httpx.Client(base_url=hub.url, headers={"X-API-Key": key})
    with admin, device:
        for run in (poll_and_run, poll_and_run_or_fail):
            admin.post(url, json={"name": "heater", "value": "on"})
            print(f"{run.__name__}: the board answered {run(device, device_id, port)}")
        for command in device.get(url, params={"status": "all"}).json()["commands"]:
            print(f"    command {command['id']}: {command['status']}, detail {command['detail']!r}")
