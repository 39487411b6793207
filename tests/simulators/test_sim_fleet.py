"""The fleet and its store-and-forward gateway, against the stand-in hub (sim_fake_hub.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import datetime

import pytest

from simulators.fleet import Fleet


def hub_readings(hub, device):
    return list(hub.data.readings[device].values())


def make_fleet(hub, tmp_path, **options):
    options.setdefault("devices", 2)
    options.setdefault("interval", 1.0)
    options.setdefault("duration", 20.0)
    options.setdefault("batch", 10)
    return Fleet(hub.url, hub.admin_token, clock="virtual", seed=3,
                 state=tmp_path / "state.sqlite", **options)


def test_fleet_registers_devices_and_delivers_every_reading(fake_hub, tmp_path):
    with make_fleet(fake_hub, tmp_path) as fleet:
        summary = fleet.run(drain_timeout=5)
    assert set(fake_hub.data.devices) == {"sim-000", "sim-001"}
    assert summary.lost == summary.queued == 0
    assert summary.generated == summary.acknowledged > 0
    for device in ("sim-000", "sim-001"):
        readings = hub_readings(fake_hub, device)
        seqs = sorted(r["seq"] for r in readings)
        assert seqs == list(range(len(seqs)))
        assert {r["sensor"] for r in readings} == {"temperature", "humidity", "light", "motion"}
    assert sum(len(hub_readings(fake_hub, d)) for d in fake_hub.data.devices) \
        == summary.generated


def test_fleet_survives_a_hub_restart_without_loss_or_duplicates(fake_hub, tmp_path):
    with make_fleet(fake_hub, tmp_path, duration=30.0) as fleet:
        fleet.register()
        fleet.world.clock.advance(10)
        fleet.collect()
        assert fleet.send()
        delivered_before = fleet.summary.acknowledged

        fake_hub.stop()  # outage: readings pile up in the queue
        fleet.world.clock.advance(10)
        fleet.collect()
        assert not fleet.send()
        queued_in_outage = fleet.outbox.count()
        assert queued_in_outage > 0

        fake_hub.start()  # back on the same port, data kept
        fleet._backoff_until = 0.0
        fleet.world.clock.advance(10)
        fleet.collect()
        assert fleet.send()
        summary = fleet.summary
    assert summary.retried > 0
    assert summary.acknowledged > delivered_before
    total = sum(len(hub_readings(fake_hub, d)) for d in fake_hub.data.devices)
    assert total == summary.generated  # zero lost
    for device in fake_hub.data.devices:
        seqs = [r["seq"] for r in hub_readings(fake_hub, device)]
        assert len(seqs) == len(set(seqs))  # zero duplicated


def test_a_replayed_batch_is_acknowledged_once_stored_once(fake_hub, tmp_path):
    with make_fleet(fake_hub, tmp_path, devices=1, duration=5.0) as fleet:
        fleet.register()
        fleet.world.clock.advance(5)
        fleet.collect()
        rows = fleet.outbox.oldest("sim-000", 10)
        assert fleet._post("sim-000", rows)
        fleet.outbox.db.executemany(  # as if the ack had been lost: the rows come back
            "INSERT INTO outbox (device, seq, reading) VALUES ('sim-000', ?, ?)",
            [(seq, json.dumps(r)) for seq, r, _ in rows])
        assert fleet.send()
    assert len(hub_readings(fake_hub, "sim-000")) == fleet.summary.generated


def test_a_rerun_reuses_keys_and_continues_seq(fake_hub, tmp_path):
    with make_fleet(fake_hub, tmp_path, devices=1, duration=5.0) as fleet:
        first = fleet.run(drain_timeout=5)
    key = fake_hub.data.devices["sim-000"]["api_key"]
    with make_fleet(fake_hub, tmp_path, devices=1, duration=5.0) as fleet:
        second = fleet.run(drain_timeout=5)
    assert fake_hub.data.devices["sim-000"]["api_key"] == key
    seqs = sorted(r["seq"] for r in hub_readings(fake_hub, "sim-000"))
    assert seqs == list(range(first.generated + second.generated))


def test_a_device_with_an_unknown_key_is_replaced(fake_hub, tmp_path):
    with make_fleet(fake_hub, tmp_path, devices=1, duration=3.0) as fleet:
        fleet.run(drain_timeout=5)
    old_key = fake_hub.data.devices["sim-000"]["api_key"]
    (tmp_path / "state.sqlite").unlink()  # the state file is lost: the key with it
    with make_fleet(fake_hub, tmp_path, devices=1, duration=3.0) as fleet:
        summary = fleet.run(drain_timeout=5)
    assert summary.lost == 0
    assert fake_hub.data.devices["sim-000"]["api_key"] != old_key


@pytest.mark.slow
def test_fleet_command_streams_through_an_outage(fake_hub, tmp_path):
    command = [sys.executable, "-m", "simulators", "fleet", "--backend", fake_hub.url,
               f"--admin-token={fake_hub.admin_token}", "--devices", "2", "--interval", "1",
               "--duration", "40", "--speed", "10", "--batch", "5", "--seed", "4",
               "--state", str(tmp_path / "q.sqlite"), "--quiet", "--drain-timeout", "20"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    outage = threading.Timer(1.5, fake_hub.stop)
    comeback = threading.Timer(2.5, fake_hub.start)
    outage.start()
    comeback.start()
    out, err = process.communicate(timeout=60)
    comeback.join()
    assert process.returncode == 0, err
    assert "lost 0" in out and "queued 0" in out
    generated = int(out.split("generated ")[1].split(",")[0])
    total = sum(len(hub_readings(fake_hub, d)) for d in fake_hub.data.devices)
    assert total == generated > 0


def _rejected(fleet):
    return fleet.outbox.db.execute("SELECT COUNT(*) FROM rejected").fetchone()[0]


def test_a_sped_up_fleet_never_dates_a_reading_in_the_future(fake_hub, tmp_path):
    # 600 simulated seconds per wall second: ten simulated minutes stream in one wall
    # second, so a timeline placed too late would be refused (more than 5 min ahead).
    fleet = Fleet(fake_hub.url, fake_hub.admin_token, devices=2, interval=5.0, batch=100,
                  seed=5, state=tmp_path / "state.sqlite", clock="realtime", speed=600,
                  duration=600.0)
    with fleet:
        summary = fleet.run(drain_timeout=10)
        rejected = _rejected(fleet)
        dropped = [port.board.serial.dropped for port in fleet.ports.values()]
    assert summary.errors == [] and rejected == 0 and dropped == [0, 0]
    assert summary.lost == summary.queued == 0
    assert summary.generated == summary.acknowledged
    for device in ("sim-000", "sim-001"):
        received = fake_hub.data.received_at[device]
        readings = fake_hub.data.readings[device]
        samples = [r for r in readings.values() if r["sensor"] == "temperature"]
        # every device sampled all along (in realtime one used to starve the others);
        # how late a sample runs depends on the machine, so the count is not exact
        assert len(samples) >= 600 / 5 / 2
        for seq, reading in readings.items():
            assert datetime.fromisoformat(reading["recorded_at"]) <= received[seq]



def test_a_slow_hub_does_not_make_the_gateway_miss_serial_output(fake_hub, tmp_path):
    # At speed 600 the computer's 4 KB buffer of a port fills in under half a second of
    # wall time. The sender stalls for 0.8 s once (a slow hub, a slow disk): the ports are
    # read in a thread of their own, so no byte is lost meanwhile.
    fleet = Fleet(fake_hub.url, fake_hub.admin_token, devices=2, interval=5.0, batch=100,
                  seed=5, state=tmp_path / "state.sqlite", clock="realtime", speed=600,
                  duration=600.0)
    send, calls = fleet.send, []

    def slow_send():
        calls.append(1)
        if len(calls) == 5:
            time.sleep(0.8)
        return send()

    fleet.send = slow_send
    with fleet:
        summary = fleet.run(drain_timeout=10)
        dropped = [port.board.serial.dropped for port in fleet.ports.values()]
    assert len(calls) > 5
    assert dropped == [0, 0] and summary.dropped == 0 and summary.errors == []
    # how late a sample runs in realtime depends on the machine: the count is not exact
    assert summary.generated == summary.acknowledged >= 2 * 4 * 600 / 5 / 2


def test_a_gateway_that_reads_too_late_says_how_much_it_lost(fake_hub, tmp_path):
    # An hour of output waits unread: the computer keeps 4 KB a port and drops the rest.
    # The readings in those bytes are gone; the summary says so instead of staying silent.
    with make_fleet(fake_hub, tmp_path, devices=1, duration=10.0) as fleet:
        fleet.register()
        fleet.world.clock.advance(3600)
        fleet.collect()
        lost = fleet.world.boards["sim-000"].serial.dropped
    assert lost > 0 and fleet.summary.dropped == lost
    assert fleet.summary.errors == [
        f"sim-000: {lost} bytes of its serial output were lost, read too late "
        "(a lower --speed, or a less busy computer, helps)"]
    assert f"dropped {lost} bytes" in fleet.summary.line()

def test_fleet_command_ends_cleanly_without_a_traceback(fake_hub, tmp_path):
    # A realtime run closes its world while the clock thread is inside a sketch's delay();
    # that sketch used to go on and schedule its next loop on the closed clock.
    command = [sys.executable, "-m", "simulators", "fleet", "--backend", fake_hub.url,
               f"--admin-token={fake_hub.admin_token}", "--devices", "2", "--interval", "1",
               "--duration", "10", "--speed", "20", "--seed", "2",
               "--state", str(tmp_path / "q.sqlite"), "--quiet", "--drain-timeout", "10"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "ClockError" not in done.stderr, done.stderr
    assert "lost 0" in done.stdout and "queued 0" in done.stdout
    counts = [len(hub_readings(fake_hub, d)) for d in ("sim-000", "sim-001")]
    assert min(counts) >= 4 * 10 / 2  # both devices streamed (one used to starve)


def test_fleet_waits_as_a_429_says_and_loses_nothing(tmp_path):
    """A hub that limits each device's rate answers 429 with Retry-After: the fleet waits
    that long (not its own doubling back-off), and every reading still arrives once."""
    from hubkit import running_hub

    with running_hub(rate_limit="2/second") as hub:
        with make_fleet(hub, tmp_path, devices=1, duration=12.0, batch=8) as fleet:
            fleet.register()
            fleet.world.clock.advance(12)
            fleet.collect()
            assert not fleet.send(), "six posts in a row, under a limit of 2 a second"
            waited = fleet._backoff_until - time.monotonic()
            # its own back-off would start at 0.5 s; the hub's Retry-After says 1 s
            assert 0.8 < waited <= 1.0, f"waits {waited:.2f} s, not the Retry-After of 1 s"
            assert "hub answered 429: waiting 1 s" in fleet.summary.errors
            summary = fleet.run(drain_timeout=30)
        assert summary.lost == summary.queued == 0
        assert summary.acknowledged == summary.generated > 0
        stored = hub.app.test_client().get(
            "/api/v1/devices/sim-000/readings?limit=1000").get_json()["readings"]
        assert len(stored) == summary.generated
