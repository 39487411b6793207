"""Load generation for the ingestion benchmark: wrk when we can, a Python client if not.

wrk (Debian's package) is installed on first use when it is missing and we are root.
Its Lua script builds the POST bodies: a single reading, or a batch of N readings, each
with a `seq` that is unique across wrk's threads and across runs (`seq_base` + thread
number × 10⁹ + a per-thread counter), so every reading is new and the hubs do the same
replay check a real device triggers. `wrk --latency` prints the latency distribution,
which `parse_wrk` reads back.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import percentile, say

WRK_SCRIPT = r"""
-- POST readings with unique seq numbers. Args: api_key, batch size (0 = single), seq base.
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-API-Key"] = args[1]
  batch = tonumber(args[2])
  counter = tonumber(args[3]) + (tid or 0) * 1000000000
end
local function reading(sensor)
  counter = counter + 1
  return string.format('{"sensor":"%s","value":%.2f,"unit":"C","seq":%.0f}',
                       sensor, 15 + (counter % 1000) / 100, counter)
end
function request()
  local body
  if batch == 0 then
    body = reading("temperature")
  else
    local parts = {}
    for i = 1, batch do parts[i] = reading("s" .. (i % 4)) end
    body = '{"readings":[' .. table.concat(parts, ",") .. ']}'
  end
  return wrk.format(nil, nil, nil, body)
end
"""
UNITS_S = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


@dataclass
class LoadResult:
    """What one timed load run measured."""

    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int

    def as_dict(self) -> dict:
        """The figures as a JSON-ready dict."""
        return asdict(self)


def ensure_wrk() -> tuple[str | None, str]:
    """Find wrk, installing Debian's package if we are root; return (path, note).

    `BENCH_LOADGEN=python` in the environment skips wrk and uses the Python client.
    """
    if os.environ.get("BENCH_LOADGEN") == "python":
        return None, "BENCH_LOADGEN=python"
    found = shutil.which("wrk")
    if found:
        return found, "wrk found"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "wrk missing and not root: cannot apt-get install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    say("installing wrk with apt-get (once)")
    if subprocess.run(install, env=env, capture_output=True, timeout=300).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=300)
        done = subprocess.run(install, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            return None, f"apt-get install wrk failed: {done.stderr.strip()[-200:]}"
    return shutil.which("wrk"), "wrk installed with apt-get"


def to_seconds(text: str) -> float:
    """Turn wrk's '1.23ms' / '456.00us' / '2.00s' / '1.00m' into seconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * UNITS_S[match[2]]


def parse_wrk(output: str) -> LoadResult:
    """Read requests, duration, p50/p99 and error counts from `wrk --latency` output."""
    total = re.search(r"(\d+) requests in ([\d.]+\w+),", output)
    p50 = re.search(r"^\s*50(?:\.0+)?%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s*99(?:\.0+)?%\s+(\S+)", output, re.M)
    if not (total and p50 and p99):
        raise ValueError(f"wrk output without totals or latency distribution:\n{output}")
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    requests, seconds = int(total[1]), to_seconds(total[2])
    return LoadResult(
        requests=requests,
        seconds=seconds,
        requests_per_s=float(rate[1]) if rate else requests / seconds,
        p50_ms=to_seconds(p50[1]) * 1000,
        p99_ms=to_seconds(p99[1]) * 1000,
        errors=sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
    )


def run_wrk(
    wrk: str,
    url: str,
    api_key: str,
    *,
    batch: int,
    seq_base: int,
    seconds: float,
    connections: int,
    threads: int,
) -> tuple[LoadResult, str]:
    """Run wrk against `url` for `seconds`; return the parsed figures and the raw output."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        command = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            script.name,
            url,
            "--",
            api_key,
            str(batch),
            str(seq_base),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    finally:
        Path(script.name).unlink()
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    return parse_wrk(done.stdout), done.stdout


def reading_body(counter: int, sensor: str) -> str:
    """One reading's JSON, the same shape the wrk script sends."""
    value = 15 + (counter % 1000) / 100
    return f'{{"sensor":"{sensor}","value":{value:.2f},"unit":"C","seq":{counter}}}'


async def _client(
    host: str,
    port: int,
    path: str,
    api_key: str,
    batch: int,
    first_seq: int,
    deadline: float,
    latencies: list[float],
    failures: list[int],
) -> None:
    """One keep-alive connection posting until the deadline, reconnecting when told to."""
    counter, reader, writer = first_seq, None, None
    while time.monotonic() < deadline:
        if writer is None:
            reader, writer = await asyncio.open_connection(host, port)
        if batch == 0:
            counter += 1
            body = reading_body(counter, "temperature")
        else:
            parts = [reading_body(counter + i + 1, f"s{(i + 1) % 4}") for i in range(batch)]
            counter += batch
            body = '{"readings":[' + ",".join(parts) + "]}"
        payload = body.encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"X-API-Key: {api_key}\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        started = time.monotonic()
        writer.write(head.encode() + payload)
        status_line = await reader.readline()
        headers = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        await reader.readexactly(int(headers.get("content-length", 0)))
        latencies.append(time.monotonic() - started)
        if not status_line.split(b" ")[1].startswith(b"2"):
            failures.append(1)
        if headers.get("connection", "").lower() == "close":
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _python_load(
    url: str, api_key: str, batch: int, seq_base: int, seconds: float, connections: int
) -> LoadResult:
    """Drive `connections` asyncio clients for `seconds` and gather their latencies."""
    parts = urlsplit(url)
    latencies: list[float] = []
    failures: list[int] = []
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(
            _client(
                parts.hostname,
                parts.port,
                parts.path,
                api_key,
                batch,
                seq_base + n * 1_000_000_000,
                deadline,
                latencies,
                failures,
            )
            for n in range(connections)
        )
    )
    elapsed = time.monotonic() - started
    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        requests_per_s=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        errors=0,
        non_2xx=len(failures),
    )


def run_python(
    url: str, api_key: str, *, batch: int, seq_base: int, seconds: float, connections: int
) -> LoadResult:
    """The fallback load generator: asyncio raw-socket HTTP/1.1 clients in one process."""
    return asyncio.run(_python_load(url, api_key, batch, seq_base, seconds, connections))
