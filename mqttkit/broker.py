"""An MQTT broker on this computer, on a free port, for the notebook, the lesson and the tests.

::

    with running_broker() as broker:     # a fresh broker, listening on broker.port
        client.connect(broker.host, broker.port)
        ...                              # stopped here: every connection is closed

It is amqtt's broker (MQTT 3.1.1, written in Python with asyncio), run in a thread of its
own with its own event loop, so the code that uses it stays plain, threaded Python, as with
paho-mqtt. It listens on ``127.0.0.1`` only and lets anyone connect without a password:
good for a notebook, never for a real home. A real deployment uses Mosquitto with
passwords and TLS (``lessons/examples/17-mqtt/mosquitto.conf`` and the lesson say how).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from amqtt.broker import Broker as AmqttBroker

STARTUP_TIMEOUT = 10.0
"""Seconds to wait for the broker to listen (or to stop) before giving up."""


def broker_config(host: str, port: int) -> dict[str, Any]:
    """amqtt's configuration: one TCP listener, anonymous clients allowed, no $SYS topics."""
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {
            "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
        },
    }


class Broker:
    """An amqtt broker served from a background thread: :meth:`start` it, :meth:`stop` it.

    :attr:`host` and :attr:`port` are where clients connect (``client.connect(broker.host,
    broker.port)``); :attr:`url` is the same as ``mqtt://127.0.0.1:<port>``.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port  # 0 asks the system for a free port; start() keeps the one it gave
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._broker: AmqttBroker | None = None

    @property
    def url(self) -> str:
        """The broker's address, as MQTT tools write it."""
        return f"mqtt://{self.host}:{self.port}"

    def start(self) -> None:
        """Start listening; return once clients can connect."""
        if self._thread is not None:
            return
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start())
            except Exception as error:  # noqa: BLE001  (handed to the thread that waits)
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=serve, name="mqttkit-broker", daemon=True)
        self._thread.start()
        if not ready.wait(STARTUP_TIMEOUT):
            raise TimeoutError(f"the MQTT broker did not start in {STARTUP_TIMEOUT} s")
        if failure:
            self._thread.join()
            self._thread = self._loop = None
            raise RuntimeError(f"the MQTT broker could not start: {failure[0]}") from failure[0]

    async def _start(self) -> None:
        broker = AmqttBroker(broker_config(self.host, self.port))
        await broker.start()
        self._broker = broker
        if self.port == 0:  # read the port the system gave
            server = broker._servers["default"].instance  # amqtt keeps its asyncio server here
            self.port = server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        if self._broker is not None:
            await self._broker.shutdown()
            self._broker = None

    def stop(self) -> None:
        """Close every connection and stop listening."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(STARTUP_TIMEOUT)
        self._thread = self._loop = None

    def _ask(self, question: Callable[[AmqttBroker], Any]) -> Any:
        """Run ``question(amqtt_broker)`` in the broker's own thread, and return its answer."""
        if self._loop is None or self._broker is None:
            raise RuntimeError("the broker is not running")
        broker = self._broker

        async def ask() -> Any:
            return question(broker)

        return asyncio.run_coroutine_threadsafe(ask(), self._loop).result(STARTUP_TIMEOUT)

    def retained(self) -> dict[str, bytes]:
        """The retained messages the broker keeps now: topic -> payload, by topic.

        The broker acknowledges a message before it stores it, so this waits 50 ms first:
        enough for the messages published before the call to be stored.
        """
        time.sleep(0.05)
        kept = self._ask(lambda broker: dict(broker.retained_messages))
        return {topic: bytes(message.data) for topic, message in sorted(kept.items())}

    def subscribers(self, topic_filter: str) -> list[str]:
        """The client ids subscribed to exactly this topic filter (``home/+/readings``)."""

        def ask(broker: AmqttBroker) -> list[str]:
            sessions = broker.subscriptions.get(topic_filter, [])
            return sorted(session.client_id for session, _ in sessions)

        return self._ask(ask)

    def wait_for_subscriber(self, topic_filter: str, timeout: float = STARTUP_TIMEOUT) -> None:
        """Return once a client has subscribed to ``topic_filter``: a message published from
        now on reaches it. ``client.subscribe()`` only *sends* the request."""
        deadline = time.monotonic() + timeout
        while not self.subscribers(topic_filter):
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout} s for a subscriber to {topic_filter!r}")
            time.sleep(0.01)

    def __enter__(self) -> Broker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<Broker {self.url} {'up' if self._thread else 'down'}>"


@contextlib.contextmanager
def running_broker(*, port: int = 0, quiet: bool = True) -> Iterator[Broker]:
    """Serve a fresh MQTT broker on 127.0.0.1 on a free port; yield its :class:`Broker`.

    ``port`` chooses the port instead (1883 is MQTT's own).

    ``quiet=True`` hides amqtt's log lines below ERROR (a client that drops its connection
    is normal in the lesson, not a warning worth printing).
    """
    logger = logging.getLogger("amqtt")
    level = logger.level
    if quiet:
        logger.setLevel(logging.ERROR)
    broker = Broker(port=port)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
        logger.setLevel(level)
