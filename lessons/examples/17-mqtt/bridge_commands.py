"""Commands queued in the hub reach the board over MQTT; its acks go back to the hub."""

import httpx
import serial
from device import serve_commands

import simulators  # noqa: F401  (teaches pyserial the sim:// URLs)
from hubkit import running_hub
from mqttkit import Bridge, connected, running_broker

URL = "sim://uno?sketch=command_listener&seed=1&clock=virtual"

with (running_hub() as hub, running_broker() as broker,
      serial.serial_for_url(URL, timeout=2) as port):
    port.readline()  # the boot banner
    device_id, key = hub.register("Living room")
    admin = httpx.Client(base_url=hub.url, headers={"Authorization": f"Bearer {hub.admin_token}"})
    # --8<-- [start:run]
    with (Bridge(broker.host, broker.port, hub.url, {device_id: key},
                 poll_interval=None) as bridge,
          connected(broker.host, broker.port, device_id) as device, admin):
        serve_commands(device, device_id, port)  # the device listens for its commands
        broker.wait_for_subscriber(f"home/{device_id}/commands")

        for name, value in [("heater", "on"), ("fan", "on")]:
            admin.post(f"/api/v1/devices/{device_id}/commands", json={"name": name, "value": value})
        print("the admin queued: heater on, fan on")

        published = bridge.poll_once()  # it polls every second by itself; here, now
        print("the bridge published the commands", published[device_id])
        print("it polls again, and publishes", bridge.poll_once()[device_id])

        acks = []
        while len(acks) < 2:  # wait for the two acks to reach the hub
            what, _, status = bridge.events.get(timeout=5)
            if what == "ack":
                acks.append(status)
        print("the bridge forwarded two acks, the hub answered", acks)

        url = f"{hub.url}/api/v1/devices/{device_id}/commands?status=all"
        for command in httpx.get(url, headers={"X-API-Key": key}).json()["commands"]:
            print(f"    {command['name']} {command['value']}: {command['status']}, "
                  f"{command['detail']}")
    # --8<-- [end:run]
    print("the heater is on:", port.world.room.heater_on)
