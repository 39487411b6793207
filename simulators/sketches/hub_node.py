"""hub_node: sensor_reporter and command_listener in one: JSON samples out, commands in.

Samples go out every ``interval`` ms (default 5000); commands are answered within
``poll`` ms (default 50). ``INTERVAL <ms>`` changes the reporting interval.
PARAMS: ``interval``, ``poll``, ``baud`` (default 9600), ``banner`` (default 1; 0 turns
the boot line off).
"""

from simulators.arduino import Serial, delay, millis
from simulators.sketches._pins import BAUD, DHT, DHT22, DHT_PIN, Commands, banner, sample

SPEED = int(PARAMS.get("baud", BAUD))  # noqa: F821 (PARAMS is given by the board)
POLL_MS = int(PARAMS.get("poll", 50))  # noqa: F821


class HubCommands(Commands):
    interval = int(PARAMS.get("interval", 5000))  # noqa: F821

    def do_interval(self, arg):
        if not arg.isdigit() or not 100 <= int(arg) <= 3_600_000:
            return f"ERR INTERVAL expects 100-3600000 ms, not {arg}"
        self.interval = int(arg)
        return f"OK INTERVAL {self.interval}"


dht = DHT(DHT_PIN, DHT22)
commands = HubCommands()
seq = 0
next_ms = 0


def setup():
    global next_ms
    Serial.begin(SPEED)
    dht.begin()
    commands.setup()
    banner("hub_node", PARAMS)  # noqa: F821
    next_ms = millis()


def loop():
    global seq, next_ms
    commands.poll()
    if millis() >= next_ms:
        Serial.println(sample(dht, seq))
        seq += 1
        next_ms += commands.interval
    delay(max(1, min(POLL_MS, next_ms - millis())))
