"""Three commands from the hub to the board: poll_and_run() fetches, runs and acks them."""

import httpx
import serial
from device import poll_and_run

import simulators  # noqa: F401  (teaches pyserial the sim:// URLs)
from hubkit import running_hub

URL = "sim://uno?sketch=command_listener&seed=1&clock=virtual"

with running_hub(verbose=True) as hub, serial.serial_for_url(URL, timeout=2) as port:
    port.readline()  # the boot banner
    device_id, key = hub.register("Living room")
    admin = httpx.Client(base_url=hub.url,
                         headers={"Authorization": f"Bearer {hub.admin_token}"})
    device = httpx.Client(base_url=hub.url, headers={"X-API-Key": key})
    with admin, device:
        print("The admin queues three commands:")
        for name, value in [("heater", "on"), ("servo", "45"), ("fan", "on")]:
            admin.post(f"/api/v1/devices/{device_id}/commands",
                       json={"name": name, "value": value})

        print("The device polls, runs and acknowledges:")
        answers = poll_and_run(device, device_id, port)
        print("The board answered:")
        for answer in answers:
            print("   ", answer)

        print("What the hub knows now:")
        every = device.get(f"/api/v1/devices/{device_id}/commands?status=all")
        for command in every.json()["commands"]:
            print(f"    {command['name']} {command['value']}: {command['status']}")
    print("the heater is on:", port.world.room.heater_on)
