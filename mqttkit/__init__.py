"""mqttkit: the course's MQTT pieces, for lesson 17, its notebook and its tests.

You may read all of it: ``import mqttkit; print(mqttkit.__file__)`` says where it lives::

    mqttkit/broker.py   running_broker(): an MQTT broker (amqtt) on a free port, in a thread
    mqttkit/client.py   connected(): a paho-mqtt 2 client for a ``with`` block; wait_until();
                        cut_connection(), to drop a connection as a dead device does
    mqttkit/bridge.py   the bridge between MQTT and the hub: topic(), forward_reading(),
                        relay_commands(), forward_ack(), and Bridge, which runs them
    mqttkit/__main__.py python -m mqttkit broker | bridge: the same, as programs

Example::

    from mqttkit import connected, running_broker

    with running_broker() as broker:                       # the broker starts here ...
        with connected(broker.host, broker.port, "kitchen") as client:
            client.publish("home/kitchen/status", "online", qos=1, retain=True)
                                                           # ... and stops here
"""

from __future__ import annotations

from .bridge import Bridge, forward_ack, forward_reading, parse_topic, relay_commands, topic
from .broker import Broker, running_broker
from .client import connected, cut_connection, wait_until

__all__ = [
    "Bridge",
    "Broker",
    "connected",
    "cut_connection",
    "forward_ack",
    "forward_reading",
    "parse_topic",
    "relay_commands",
    "running_broker",
    "topic",
    "wait_until",
]
