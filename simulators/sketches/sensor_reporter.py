"""sensor_reporter: one JSON line per sample (seq, ms, temperature, humidity, light, motion).

PARAMS: ``interval`` (ms between samples, default 1000), ``baud`` (default 9600),
``banner`` (default 1; 0 turns the boot line off).
Example line: ``{"seq":0,"ms":0,"temperature":19.1,"humidity":47.5,"light":352,"motion":0}``
"""

from simulators.arduino import Serial, delay, millis
from simulators.sketches._pins import BAUD, DHT, DHT22, DHT_PIN, banner, sample

INTERVAL_MS = int(PARAMS.get("interval", 1000))  # noqa: F821 (PARAMS is given by the board)
SPEED = int(PARAMS.get("baud", BAUD))  # noqa: F821

dht = DHT(DHT_PIN, DHT22)
seq = 0
next_ms = 0


def setup():
    global next_ms
    Serial.begin(SPEED)
    dht.begin()
    banner("sensor_reporter", PARAMS)  # noqa: F821
    next_ms = millis()


def loop():
    global seq, next_ms
    Serial.println(sample(dht, seq))
    seq += 1
    next_ms += INTERVAL_MS  # a fixed schedule: printing takes time, the rate does not drift
    wait = next_ms - millis()
    if wait > 0:
        delay(wait)
