"""paho-mqtt clients made the same way everywhere in the course, and a way to wait for them.

paho-mqtt 2 asks which shape of callbacks you write: ``CallbackAPIVersion.VERSION2`` is the
current one (``on_connect(client, userdata, flags, reason_code, properties)``,
``on_message(client, userdata, message)``). ``loop_start()`` runs the client's network loop
in a thread of its own: it sends what you publish, receives messages, and calls your
callbacks, *in that thread*, while your program goes on.

::

    with connected(broker.host, broker.port, "kitchen") as client:
        client.publish("home/kitchen/readings", '{"sensor": "temperature", "value": 21.5}', qos=1)
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterator

import paho.mqtt.client as mqtt

TIMEOUT = 5.0
"""Seconds to wait for the broker before giving up (it answers in milliseconds)."""


def wait_until(condition: Callable[[], object], what: str, timeout: float = TIMEOUT) -> None:
    """Return as soon as ``condition()`` is true; raise TimeoutError after ``timeout`` seconds.

    It looks every 10 ms, so it returns at once when things go well, and a test that fails
    fails in ``timeout`` seconds with a message that says what never happened.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for {what}")
        time.sleep(0.01)


# --8<-- [start:connected]
@contextlib.contextmanager
def connected(
    host: str,
    port: int,
    client_id: str,
    *,
    will: tuple[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Iterator[mqtt.Client]:
    """A paho client, connected to the broker, its network loop running, for a ``with`` block.

    ``will=(topic, payload)`` leaves a last will: the broker publishes it (retained, QoS 1)
    if the connection drops without a goodbye. At the end of the block the client says
    goodbye (DISCONNECT: no will), and its loop stops.
    """
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    if will is not None:
        client.will_set(will[0], will[1], qos=1, retain=True)  # before connect()
    client.connect(host, port)
    client.loop_start()  # a thread sends, receives and calls the callbacks
    try:
        wait_until(client.is_connected, f"{client_id!r} to connect to {host}:{port}", timeout)
        yield client
    finally:
        client.disconnect()
        client.loop_stop()
# --8<-- [end:connected]


def cut_connection(client: mqtt.Client) -> None:
    """Drop the client's connection without a goodbye, as a device does when its power fails.

    The network loop stops first, so that the client does not reconnect; then its socket
    is closed under it. The broker sees the connection end with no DISCONNECT, and
    publishes the client's last will.
    """
    client.loop_stop()
    sock = client.socket()
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
