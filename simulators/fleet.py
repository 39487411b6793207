"""The fleet: N simulated devices streaming readings to a hub through a store-and-forward
gateway.

Each device is a simulated Uno running ``sensor_reporter`` in one shared room. The gateway
reads their JSON lines over ``sim://`` serial ports, turns each sample into readings
(temperature, humidity, light, motion) and puts them in a local SQLite queue (the
*outbox*) in the same transaction that advances the device's ``seq`` counter. A sender
posts the oldest readings of each device in batches; only an answer from the hub (201, or
200 for a replay) takes them out of the queue. While the hub is down readings pile up and
go out when it is back. Every reading has its own ``seq`` (a per-device counter over
readings), so a batch sent twice is stored once: the hub answers the replay with 200.

Device keys: ``POST /api/v1/devices`` shows a key only once, so the gateway keeps keys and
``seq`` counters in the same SQLite file. A rerun with the same file reuses the devices;
a device that exists on the hub but not in the file is deleted (admin) and registered
again. A device the hub no longer knows (401/404) is registered again too.

Dates: the world's clock starts at its fixed default date, so the room (and with it every
serial byte a device prints) depends only on the seed. What moves is the mapping from
simulated time to the ``recorded_at`` the gateway writes: it is anchored when streaming
starts (:meth:`Fleet.begin`, after registration), so that no reading is dated after the
wall clock when it is queued. The hub refuses readings more than 5 minutes ahead; a sped-up
clock would otherwise reach them (see :meth:`Fleet.begin`).

Example::

    python -m simulators fleet --backend http://127.0.0.1:5000 --admin-token T \\
        --devices 5 --interval 1 --duration 60
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from .clock import seconds_to_us
from .errors import ConfigError, SimulatorError
from .protocol_sim import Serial
from .world import World, register_board, unregister_board

__all__ = ["Fleet", "Outbox", "Summary", "run_from_args"]

SENSORS = (("temperature", "C"), ("humidity", "%"), ("light", "raw"), ("motion", None))

_SCHEMA = """
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY, api_key TEXT NOT NULL, next_seq INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS outbox (
    device TEXT NOT NULL, seq INTEGER NOT NULL, reading TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (device, seq));
CREATE TABLE IF NOT EXISTS rejected (
    device TEXT NOT NULL, seq INTEGER NOT NULL, reading TEXT NOT NULL, reason TEXT NOT NULL);
"""


@dataclass
class Summary:
    """What happened, in readings."""

    generated: int = 0  # produced by the devices and queued
    sent: int = 0  # handed to the hub (each attempt counts)
    acknowledged: int = 0  # confirmed by the hub (201, or 200 for a replay)
    retried: int = 0  # sent again after a failed attempt
    queued: int = 0  # still waiting in the local queue
    lost: int = 0  # refused by the hub (4xx): kept in the `rejected` table
    dropped: int = 0  # bytes of serial output lost before the gateway read them
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for people."""
        return (f"generated {self.generated}, sent {self.sent}, acknowledged "
                f"{self.acknowledged}, retried {self.retried}, queued {self.queued}, "
                f"lost {self.lost}" + (f", dropped {self.dropped} bytes" if self.dropped else ""))


class Outbox:
    """The gateway's SQLite file: device keys, seq counters, and readings not yet acked."""

    def __init__(self, path: str | Path) -> None:
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # survives a crash of this program
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the file."""
        self.db.close()

    def key(self, device: str) -> str | None:
        """The stored API key of ``device``."""
        row = self.db.execute("SELECT api_key FROM devices WHERE id = ?", (device,)).fetchone()
        return row[0] if row else None

    def save_key(self, device: str, key: str) -> None:
        """Remember ``device``'s key (its seq counter stays)."""
        self.db.execute(
            "INSERT INTO devices (id, api_key) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET api_key = excluded.api_key", (device, key))

    def put(self, device: str, readings: list[dict[str, Any]]) -> None:
        """Queue ``readings`` of ``device``, giving each the next seq (one transaction)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            (seq,) = self.db.execute(
                "SELECT next_seq FROM devices WHERE id = ?", (device,)).fetchone()
            rows = []
            for reading in readings:
                rows.append((device, seq, json.dumps({**reading, "seq": seq})))
                seq += 1
            self.db.executemany("INSERT INTO outbox (device, seq, reading) VALUES (?, ?, ?)",
                                rows)
            self.db.execute("UPDATE devices SET next_seq = ? WHERE id = ?", (seq, device))

    def oldest(self, device: str, limit: int) -> list[tuple[int, dict[str, Any], int]]:
        """Up to ``limit`` queued readings of ``device``: (seq, reading, attempts)."""
        rows = self.db.execute(
            "SELECT seq, reading, attempts FROM outbox WHERE device = ? ORDER BY seq LIMIT ?",
            (device, limit)).fetchall()
        return [(seq, json.loads(text), attempts) for seq, text, attempts in rows]

    def done(self, device: str, seqs: list[int]) -> None:
        """The hub has these: drop them from the queue."""
        self.db.executemany("DELETE FROM outbox WHERE device = ? AND seq = ?",
                            [(device, s) for s in seqs])

    def failed(self, device: str, seqs: list[int]) -> None:
        """An attempt failed: count it, keep the readings."""
        self.db.executemany("UPDATE outbox SET attempts = attempts + 1 "
                            "WHERE device = ? AND seq = ?", [(device, s) for s in seqs])

    def reject(self, device: str, seqs: list[int], reason: str) -> None:
        """The hub refused these for good: move them out of the queue."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            for seq in seqs:
                self.db.execute(
                    "INSERT INTO rejected SELECT device, seq, reading, ? FROM outbox "
                    "WHERE device = ? AND seq = ?", (reason, device, seq))
            self.done(device, seqs)

    def count(self) -> int:
        """How many readings are queued."""
        return self.db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]


class Fleet:
    """N simulated devices and their store-and-forward gateway.

    :param backend: the hub's base URL (``/api/v1`` is added).
    :param admin_token: the hub's admin token (to register devices).
    :param devices: how many devices.
    :param interval: simulated seconds between samples of a device.
    :param batch: readings per request (1 to 500).
    :param seed: the world's seed.
    :param state: the SQLite file (queue, keys, seq counters).
    :param clock: ``"realtime"`` (streams as it goes) or ``"virtual"`` (as fast as possible).
    :param speed: realtime speed factor.
    :param duration: how long the run streams (simulated seconds, from :meth:`begin`);
        readings are dated so that none is ever in the future (see :meth:`begin`).
    :param transport: an ``httpx`` transport (tests use WSGI or mock transports).
    """

    def __init__(self, backend: str, admin_token: str, *, devices: int = 3,
                 interval: float = 5.0, batch: int = 50, seed: int = 0,
                 state: str | Path = "fleet.queue.sqlite", clock: str = "realtime",
                 speed: float = 1.0, duration: float = 60.0, prefix: str = "sim",
                 transport: httpx.BaseTransport | None = None) -> None:
        if not 1 <= batch <= 500:
            raise ConfigError("--batch must be between 1 and 500")
        if devices < 1 or interval <= 0 or duration < 0:
            raise ConfigError("need at least one device, a positive interval and duration")
        self.admin_token = admin_token
        self.batch = batch
        self.interval = interval
        self.duration = duration
        self.summary = Summary()
        self.http = httpx.Client(base_url=backend.rstrip("/") + "/api/v1", timeout=5.0,
                                 transport=transport)
        self.outbox = Outbox(state)
        self.world = World(seed=seed, clock=clock, speed=speed)  # default start: same bytes
        self._epoch: tuple[int, datetime] | None = None  # (simulated µs, its recorded_at)
        self._end_us: int | None = None  # the end of streaming, in simulated µs
        self.ids = [f"{prefix}-{i:03d}" for i in range(devices)]
        self.ports: dict[str, Serial] = {}
        self._backoff_until = 0.0
        self._backoff = 0.5
        self._retry_after = 0.0  # the seconds a 429's Retry-After header asked for
        for device in self.ids:
            uno = self.world.add_uno("sensor_reporter", name=device,
                                     params={"interval": int(interval * 1000)})
            register_board(uno, f"fleet-{id(self)}-{device}")
            port = Serial(None, timeout=0)
            port.port = f"sim://fleet-{id(self)}-{device}"
            port.open()
            self.ports[device] = port
        self._received = {device: bytearray() for device in self.ids}  # read, not parsed yet
        self._received_lock = threading.Lock()
        self._dropped = dict.fromkeys(self.ids, 0)  # bytes lost so far, by device
        self._stop_reading = threading.Event()
        self._reader: threading.Thread | None = None
        if not self.world.clock.virtual:
            self._reader = threading.Thread(target=self._keep_reading, name="fleet-serial",
                                            daemon=True)
            self._reader.start()

    # -- registration -------------------------------------------------------------------

    def register(self, *, timeout: float = 0.0) -> None:
        """Make sure every device exists on the hub and its key is known, retrying for up
        to ``timeout`` wall seconds while the hub is unreachable."""
        give_up = time.monotonic() + timeout
        for device in self.ids:
            while self.outbox.key(device) is None:
                try:
                    self._create(device)
                except httpx.TransportError:
                    if time.monotonic() >= give_up:
                        raise
                    self._note("hub unreachable while registering; retrying")
                    time.sleep(0.2)

    def _admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}

    def _create(self, device: str) -> None:
        body = {"id": device, "name": f"Simulated Uno {device}", "kind": "uno"}
        answer = self.http.post("/devices", json=body, headers=self._admin())
        if answer.status_code == 409:  # it exists, but we do not know its key: start over
            gone = self.http.delete(f"/devices/{device}", headers=self._admin())
            if gone.status_code not in (204, 404):
                raise SimulatorError(f"cannot replace device {device}: {_error(gone)}")
            answer = self.http.post("/devices", json=body, headers=self._admin())
        if answer.status_code != 201:
            raise SimulatorError(f"cannot register device {device}: {_error(answer)}")
        self.outbox.save_key(device, answer.json()["api_key"])

    # -- dating ---------------------------------------------------------------------------

    def begin(self) -> None:
        """Start the run's timeline now: ``duration`` simulated seconds, dated to end no
        later than the wall clock at the moment they are reached.

        Simulated time ``t`` is dated ``now - ahead + (t - t0)``, with ``t0`` the simulated
        time now. In realtime at ``speed`` >= 1, ``t`` is reached at wall time
        ``now + (t - t0) / speed``, so a reading is dated ``(end - t) * (1 - 1/speed)``
        before the moment it exists when ``ahead = duration * (1 - 1/speed)``: never after,
        and the last one just as the run ends. Slower than real time needs no lead
        (``ahead = 0``); a virtual clock reaches the end at once (``ahead = duration``).
        One more second of lead covers the two wall clocks (monotonic and calendar).
        Anchoring here, after registration, matters: the clock runs from the start, and a
        registration of one wall second at speed 600 is ten simulated minutes.
        """
        clock = self.world.clock
        if clock.virtual:
            ahead = self.duration
        else:
            ahead = max(0.0, self.duration * (1 - 1 / clock.speed))
        t0 = clock.now_us
        self._epoch = (t0, datetime.now(UTC) - timedelta(seconds=ahead + 1))
        self._end_us = t0 + seconds_to_us(self.duration)

    def recorded_at(self, t_us: int) -> datetime:
        """The date of simulated time ``t_us``: the run's timeline, never after the wall
        clock (a reading from past the planned end is dated now, not in the future)."""
        if self._epoch is None:
            self.begin()
        assert self._epoch is not None
        t0, date0 = self._epoch
        return min(date0 + timedelta(microseconds=t_us - t0), datetime.now(UTC))

    # -- collecting ---------------------------------------------------------------------

    def _read_ports(self) -> None:
        """Move what each port has received into ``_received``."""
        for device, port in self.ports.items():
            data = port.read(port.in_waiting)
            if data:
                with self._received_lock:
                    self._received[device] += data

    def _keep_reading(self) -> None:
        """Realtime: read the ports every 20 ms of wall time, whatever the sender is doing.

        The computer keeps 4 KB a port (``SerialLink.HOST_RX_SIZE`` in uno.py) and drops
        what comes after; a fleet at speed 600 fills that in under half a second, about as
        long as one slow answer from the hub or one slow write to the queue file.
        """
        try:
            while not self._stop_reading.wait(0.02):
                self._read_ports()
        except (SimulatorError, OSError) as exc:  # a port died: collect() notes the loss
            self._note(f"reading the serial ports stopped: {exc}")

    def collect(self, *, until_us: int | None = None) -> int:
        """Read every device's serial output; queue the readings (none sampled after
        ``until_us``, simulated µs). Returns how many."""
        if self._reader is None:  # virtual time: nothing prints while this thread is here
            self._read_ports()
        count = 0
        for device in self.ids:
            with self._received_lock:  # take the whole lines; a partial one waits
                received = self._received[device]
                cut = received.rfind(b"\n") + 1
                lines = bytes(received[:cut]).split(b"\n")[:-1]
                del received[:cut]
            for line in lines:
                readings = self._readings(device, line, until_us)
                if readings:
                    self.outbox.put(device, readings)
                    count += len(readings)
            self._check_dropped(device)
        self.summary.generated += count
        return count

    def _check_dropped(self, device: str) -> None:
        """Note bytes of ``device``'s output that were lost before anyone read them."""
        dropped = self.world.boards[device].serial.dropped
        lost = dropped - self._dropped[device]
        if lost > 0:
            self._dropped[device] = dropped
            self.summary.dropped += lost
            self._note(f"{device}: {lost} bytes of its serial output were lost, read too "
                       f"late (a lower --speed, or a less busy computer, helps)")

    def _readings(self, device: str, line: bytes,
                  until_us: int | None) -> list[dict[str, Any]]:
        text = line.strip()
        if not text.startswith(b"{"):
            return []  # the boot banner and other comments
        try:
            sample = json.loads(text)
        except ValueError:
            return []
        sampled_us = self.world.boards[device].started_us + sample["ms"] * 1000
        if until_us is not None and sampled_us > until_us:
            return []  # sampled after the end of the run
        stamp = self.recorded_at(sampled_us).isoformat(timespec="milliseconds")
        return [
            {"sensor": name, "value": sample[name], "recorded_at": stamp,
             **({"unit": unit} if unit else {})}
            for name, unit in SENSORS
            if isinstance(sample.get(name), int | float)
        ]

    # -- sending ------------------------------------------------------------------------

    def send(self) -> bool:
        """Send queued readings, oldest first, batch by batch. False if the hub is down."""
        if time.monotonic() < self._backoff_until:
            return False
        for device in self.ids:
            while True:
                rows = self.outbox.oldest(device, self.batch)
                if not rows:
                    break
                if not self._post(device, rows):
                    if self._retry_after:  # a 429: the hub is up and said how long to wait
                        self._backoff_until = time.monotonic() + self._retry_after
                        self._retry_after = 0.0
                    else:
                        self._backoff_until = time.monotonic() + self._backoff
                        self._backoff = min(self._backoff * 2, 5.0)
                    return False
        self._backoff = 0.5
        return True

    def _post(self, device: str, rows: list[tuple[int, dict[str, Any], int]]) -> bool:
        seqs = [seq for seq, _, _ in rows]
        self.summary.sent += len(rows)
        self.summary.retried += sum(1 for _, _, attempts in rows if attempts)
        key = self.outbox.key(device) or ""
        try:
            answer = self.http.post(f"/devices/{device}/readings",
                                    json={"readings": [r for _, r, _ in rows]},
                                    headers={"X-API-Key": key})
        except httpx.TransportError as exc:
            self.outbox.failed(device, seqs)
            self._note(f"hub unreachable: {type(exc).__name__}")
            return False
        if answer.status_code in (200, 201):
            self.outbox.done(device, seqs)
            self.summary.acknowledged += len(rows)
            return True
        if answer.status_code in (401, 404):  # the hub forgot the device: register again
            self.outbox.failed(device, seqs)
            self._note(f"{device}: {answer.status_code}, registering again")
            self._create(device)
            return True
        if answer.status_code == 429:  # too many requests: wait as long as the hub says
            self.outbox.failed(device, seqs)
            self._retry_after = retry_after_seconds(answer)
            self._note(f"hub answered 429: waiting {self._retry_after:g} s")
            return False
        if answer.status_code == 408 or answer.status_code >= 500:
            self.outbox.failed(device, seqs)
            self._note(f"hub answered {answer.status_code}")
            return False
        self.outbox.reject(device, seqs, _error(answer))
        self.summary.lost += len(rows)
        self._note(f"{device}: refused {len(rows)} readings: {_error(answer)}")
        return True

    def _note(self, message: str) -> None:
        if not self.summary.errors or self.summary.errors[-1] != message:
            self.summary.errors.append(message)

    # -- running ------------------------------------------------------------------------

    def run(self, *, drain_timeout: float = 30.0,
            progress: Callable[[Fleet, float], None] | None = None) -> Summary:
        """Register, stream for ``duration``, then keep sending until the queue is empty
        (or ``drain_timeout`` wall seconds pass)."""
        self.register(timeout=drain_timeout)
        self.begin()
        clock = self.world.clock
        end_us = self._end_us
        assert end_us is not None
        while clock.now_us < end_us:
            step = min(self.interval, (end_us - clock.now_us) / 1_000_000)
            if clock.virtual:
                clock.advance(step)
            else:
                time.sleep(min(0.2, step / clock.speed))
            self.collect(until_us=end_us)
            self.send()
            if progress:
                left = max(0, end_us - clock.now_us) / 1_000_000
                progress(self, 1.0 - left / max(self.duration, 1e-9))
        give_up = time.monotonic() + drain_timeout
        while self.outbox.count() and time.monotonic() < give_up:
            if not self.send():
                time.sleep(0.1)
            if progress:
                progress(self, 1.0)
        self.summary.queued = self.outbox.count()
        return self.summary

    def close(self) -> None:
        """Stop reading; close ports, the world, the HTTP client and the queue file."""
        self._stop_reading.set()
        if self._reader is not None:
            self._reader.join()
        for port in self.ports.values():
            port.close()
        for board in list(self.world.boards.values()):
            unregister_board(board)
        self.world.close()
        self.http.close()
        self.outbox.close()

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def retry_after_seconds(answer: httpx.Response, *, default: float = 1.0) -> float:
    """The seconds a 429's ``Retry-After`` header asks for (whole seconds; else ``default``).

    The header may also be an HTTP date; the hubs of this course send seconds, and a date
    waits ``default``, then the answer says again.
    """
    told = answer.headers.get("Retry-After", "").strip()
    return float(told) if told.isdigit() else default


def _error(answer: httpx.Response) -> str:
    try:
        error = answer.json()["error"]
        return f"{answer.status_code} {error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        return f"{answer.status_code} {answer.text[:200]}"


def run_from_args(args: Any) -> int:
    """``python -m simulators fleet``: run, show progress, print the summary."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    fleet = Fleet(args.backend, args.admin_token, devices=args.devices,
                  interval=args.interval, batch=args.batch, seed=args.seed, state=args.state,
                  speed=args.speed, duration=args.duration, prefix=args.prefix)
    try:
        with Progress(TextColumn("[bold]fleet"), BarColumn(), TextColumn("{task.description}"),
                      TimeElapsedColumn(), console=console, disable=args.quiet) as bar:
            task = bar.add_task("", total=1.0)

            def progress(f: Fleet, done: float) -> None:
                s = f.summary
                bar.update(task, completed=done,
                           description=f"acked {s.acknowledged}/{s.generated}, "
                                       f"queued {f.outbox.count()}")

            try:
                summary = fleet.run(drain_timeout=args.drain_timeout, progress=progress)
            except httpx.TransportError as exc:
                raise SimulatorError(f"cannot reach the hub at {args.backend}: {exc}") from exc
    finally:
        fleet.close()
    for message in summary.errors[-5:]:
        console.print(f"[yellow]note:[/] {message}")
    print(summary.line())
    return 0 if summary.lost == summary.queued == summary.dropped == 0 else 1
