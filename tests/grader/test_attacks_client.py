"""Attacks on the trusted client and on the feedback page (issue 11, points 3 and 4).

The contract suite runs as root in the grader's zygote, so what a hub answers must not
decide how much memory it takes: a gzip bomb, a gibibyte body, nested or unknown
Content-Encodings each fail the test that met them, with a message that says why, and the
rest of the suite goes on. The feedback page must not carry what hidden tests send: a hub
that logs (and keeps re-logging) every request shows only its output from start-up and the
public tests, with control characters escaped.

The fast tests check the pieces on their own (the bounded transport over
``httpx.MockTransport``, the stamped log, the page); one batch at -j 2 grades a hub per
attack in the sandbox (slow; needs root, namespaces and bubblewrap).
"""

from __future__ import annotations

import gzip
import importlib
import itertools
import json
import re
import struct
import subprocess
import sys
import textwrap
import tracemalloc
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import httpx
import pytest
from submissions import build, snapshot_course

from grader.batch import grade
from grader.course import Course
from grader.feedback import feedback_path, hidden_cutoff, public_log, render_feedback, visible
from grader.plugin import split_hidden
from grader.results import make_result
from grader.sandbox import Limits, detect_sandbox
from grader.sandbox_runner import OutputDrain

REPO = Path(__file__).resolve().parents[2]
CONTRACT = REPO / "starter" / "contract"
LIMIT = 4 << 20  # hubcontract.MAX_RESPONSE_BYTES
BIG = "the response was larger than 4 MiB"


@pytest.fixture(scope="module")
def hubcontract() -> Iterator[ModuleType]:
    """The contract suite's plugin module, imported as the suite imports it."""
    sys.path.insert(0, str(CONTRACT))
    try:
        yield importlib.import_module("hubcontract")
    finally:
        sys.path.remove(str(CONTRACT))


def gzip_bomb(size: int = 1 << 30) -> bytes:
    """One gzip member that inflates to `size` zero bytes (1 GiB: about 1 MB of gzip).

    A block of 1 MiB of zeros is deflated once and repeated: after a full flush the
    compressor starts afresh, so each block's bytes are the same.
    """
    zeros = b"\0" * (1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size >> 20):
        crc = zlib.crc32(zeros, crc)
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + block * (size >> 20)
            + deflate.flush() + struct.pack("<II", crc, size & 0xFFFFFFFF))


class Counted(httpx.SyncByteStream):
    """A response body, counting how many of its chunks the client pulled."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks, self.pulled = chunks, 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.pulled += 1
            yield chunk


def bounded_get(hubcontract: ModuleType, stream: httpx.SyncByteStream,
                headers: list[tuple[str, str]]) -> httpx.Response:
    """GET through the contract suite's bounded transport, the hub answering `stream`."""
    def hub(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, stream=stream)

    transport = hubcontract.BoundedTransport(httpx.MockTransport(hub), LIMIT)
    with httpx.Client(transport=transport, base_url="http://hub") as client:
        return client.get("/api/v1/devices/d/readings/latest")


# --------------------------------------------------------------------------------------------
# the bounded client, on its own
# --------------------------------------------------------------------------------------------


def test_a_gzip_bomb_fails_with_the_size_and_memory_stays_small(hubcontract) -> None:
    bomb = gzip_bomb()
    body = Counted(bomb[i:i + 65536] for i in range(0, len(bomb), 65536))
    tracemalloc.start()
    try:
        with pytest.raises(hubcontract.ResponseRefused, match=BIG) as refused:
            bounded_get(hubcontract, body, [("Content-Encoding", "gzip")])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * LIMIT, f"reading the bomb took {peak >> 20} MiB"  # not 1 GiB
    assert "more than 4194304 bytes once gzip-decoded" in str(refused.value)
    assert "GET /api/v1/devices/d/readings/latest answered 200" in str(refused.value)
    assert body.pulled < len(bomb) // 65536  # it stopped reading: the rest never came in


def test_a_gibibyte_body_is_not_read_past_the_limit(hubcontract) -> None:
    body = Counted(itertools.repeat(b"x" * 65536, 1 << 14))  # 1 GiB
    with pytest.raises(hubcontract.ResponseRefused, match=BIG):
        bounded_get(hubcontract, body, [("Content-Type", "application/json")])
    assert body.pulled <= LIMIT // 65536 + 1


@pytest.mark.parametrize(("headers", "said"), [
    ([("Content-Encoding", "gzip, gzip")], "more than one Content-Encoding (gzip, gzip)"),
    ([("Content-Encoding", "gzip"), ("Content-Encoding", "deflate")],
     "more than one Content-Encoding (gzip, deflate)"),
    ([("Content-Encoding", "br")], "Content-Encoding 'br' is not one the client takes"),
    ([("Content-Encoding", "zstd")], "Content-Encoding 'zstd' is not one the client takes"),
    ([("Content-Encoding", "compress")], "Content-Encoding 'compress' is not one"),
], ids=["gzip-twice", "two-headers", "brotli", "zstd", "compress"])
def test_nested_and_unknown_encodings_are_refused(hubcontract, headers, said) -> None:
    body = Counted([gzip.compress(gzip.compress(b'{"readings": []}'))])
    with pytest.raises(hubcontract.ResponseRefused) as refused:
        bounded_get(hubcontract, body, headers)
    assert said in str(refused.value)


def test_a_corrupt_gzip_body_is_refused(hubcontract) -> None:
    with pytest.raises(hubcontract.ResponseRefused, match="gzip body is corrupt"):
        bounded_get(hubcontract, Counted([b"not gzip at all"]), [("Content-Encoding", "gzip")])


def _raw_deflate(data: bytes) -> bytes:
    squeeze = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return squeeze.compress(data) + squeeze.flush()


@pytest.mark.parametrize(("coding", "encode"), [
    ("gzip", gzip.compress),
    ("x-gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", _raw_deflate),
    ("identity", lambda data: data),
    ("gzip", lambda data: gzip.compress(data[:7]) + gzip.compress(data[7:])),
], ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw", "identity", "gzip-two-members"])
def test_honest_answers_read_as_before(hubcontract, coding, encode) -> None:
    payload = json.dumps({"readings": [{"sensor": "t", "value": 21.5}] * 50}).encode()
    sent = encode(payload)
    response = bounded_get(hubcontract, Counted([sent]), [("Content-Type", "application/json"),
                                                        ("Content-Encoding", coding),
                                                        ("Content-Length", str(len(sent)))])
    assert response.content == payload
    assert response.json()["readings"][0]["value"] == 21.5
    assert "content-encoding" not in response.headers
    assert response.headers["content-length"] == str(len(payload))


def test_an_answer_of_exactly_the_limit_is_read(hubcontract) -> None:
    response = bounded_get(hubcontract, Counted([b"y" * (1 << 20)] * 4), [])
    assert len(response.content) == LIMIT


def test_the_limit_is_a_setting(hubcontract, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_CONTRACT_MAX_RESPONSE_BYTES", raising=False)
    assert hubcontract.max_response_bytes() == LIMIT
    monkeypatch.setenv("HUB_CONTRACT_MAX_RESPONSE_BYTES", "1048576")
    assert hubcontract.max_response_bytes() == 1 << 20
    monkeypatch.setenv("HUB_CONTRACT_MAX_RESPONSE_BYTES", "lots")
    with pytest.raises(pytest.UsageError, match="whole number of bytes"):
        hubcontract.max_response_bytes()


def test_the_zygote_child_runs_under_a_memory_limit() -> None:
    """limit_memory caps the address space: asking for more fails, the process lives on."""
    code = textwrap.dedent("""
        from grader.plugin import limit_memory
        limit_memory(128 << 20)
        try:
            hog = bytearray(512 << 20)
        except MemoryError:
            print("refused")
        else:
            print("allocated")
        """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=60, check=False)
    assert done.stdout.strip() == "refused", done.stderr[-2000:]


def test_hidden_tests_run_after_the_public_ones() -> None:
    """split_hidden: public first, hidden last, each group in its teaching order."""
    paths = {"a": "tests/test_health.py", "b": "hidden/test_hidden_devices.py",
             "c": "tests/test_devices.py", "d": "hidden/test_hidden_hostile.py"}
    items = [SimpleNamespace(nodeid=name) for name in "abcd"]
    recorder = SimpleNamespace(records={n: {"path": p} for n, p in paths.items()})
    public, hidden = split_hidden(items, recorder)  # type: ignore[arg-type]
    assert [i.nodeid for i in public] == ["a", "c"]
    assert [i.nodeid for i in hidden] == ["b", "d"]


# --------------------------------------------------------------------------------------------
# the log a student sees, and the page
# --------------------------------------------------------------------------------------------


def stamped_log(chunks: list[tuple[float, bytes]], tail: int = 4096,
                prefix: bytes = b"") -> dict:
    """What the runner puts in its report for a server that wrote `chunks` at those times."""
    drain = OutputDrain(None, tail)
    for arrived, chunk in chunks:
        drain.add(chunk, arrived)
    return json.loads(json.dumps(drain.stamped(prefix)))


def test_output_from_after_the_first_hidden_test_is_never_kept() -> None:
    """Whatever the sizes, the page keeps nothing that arrived at or after the cut-off."""
    import random

    rng = random.Random(11)
    for _ in range(300):
        tail, cut, now, chunks = rng.choice([64, 256, 4096]), rng.uniform(0, 30), 0.0, []
        for _ in range(rng.randint(1, 300)):
            now += rng.uniform(0, 0.3)
            mark = "L" if now >= cut else rng.choice(["e", "é", "€"])
            chunks.append((now, (mark * rng.randint(1, 60)).encode()))
        text = OutputDrain.public_text(stamped_log(chunks, tail, b"migrate\n"), cut, tail)
        assert "L" not in text and "\ufffd" not in text
        assert len(text.encode()) <= tail


def test_start_up_output_is_kept_when_hidden_tests_flood_the_log() -> None:
    chunks = [(1.0, b"Booting worker\n"), (2.0, b"public request\n")]
    chunks += [(10.0 + i, b"HIDDEN request %d\n" % i) for i in range(2000)]
    text = OutputDrain.public_text(stamped_log(chunks, tail=256), 9.0, 256)
    assert text == "Booting worker\npublic request\n"
    everything = OutputDrain.public_text(stamped_log(chunks, tail=256), None, 256)
    assert everything.startswith("Booting worker") and "left out" in everything
    assert everything.endswith("HIDDEN request 1999\n") and len(everything.encode()) <= 256


def test_public_log_cuts_where_the_suite_says_hidden_tests_began() -> None:
    report = {"log_stamped": stamped_log([(1.0, b"start\n"), (5.0, b"hidden\n")]),
              "log_tail": "start\nhidden\n", "suite": {"sent_at": 0.5}}
    ran_hidden = {"marks": {"hidden_started_at": 3.0, "finished_at": 6.0}}
    no_hidden = {"marks": {"finished_at": 6.0}}
    assert public_log(report, ran_hidden, 4096) == "start\n"
    assert public_log(report, no_hidden, 4096) == "start\nhidden\n"
    assert public_log(report, None, 4096) == ""  # no results: only what came before the job
    assert hidden_cutoff(None, {}) is None
    unstamped = {"log_tail": "start\nhidden\n", "suite": {"sent_at": 0.5}}
    assert public_log(unstamped, ran_hidden, 4096) == ""
    assert public_log(unstamped, no_hidden, 4096) == "start\nhidden\n"


def test_control_characters_are_shown_not_interpreted() -> None:
    raw = "a\x1b[2J\x1b[31mred\rover\x00nul\x07bell\u202eevil\u200bzw\tline\r\nnext\n"
    assert visible(raw) == ("a\\x1b[2J\\x1b[31mred\\rover\\x00nul\\x07bell\\u202eevil\\u200bzw"
                            "\tline\r\nnext\n")


def test_the_page_hides_hidden_messages_and_escapes_the_rest() -> None:
    tests = [
        {"name": "tests/test_a.py::test_public", "visibility": "public", "points": 1.0,
         "earned": 0.0, "passed": False, "hint": "check a", "message": "got \x1b[31mred\r"},
        {"name": "hidden/test_b.py::test_secret", "visibility": "hidden", "points": 2.0,
         "earned": 0.0, "passed": False, "hint": "check b",
         "message": "assert SECRET-INPUT-42 == 1"},  # a forged or an old result
    ]
    result = make_result(student="ada", assignment="flask-hub", kind="project", tests=tests,
                         feedback=["Your server stopped: \x1b]0;pwned\x07"],
                         submission_sha256="a" * 64, suite_version="b" * 64,
                         server_log_tail="boot\x1b[2J\x00\n")
    page = render_feedback(result)
    assert "SECRET-INPUT-42" not in page
    assert "test_secret" in page and "check b" in page and "0 / 2" in page
    assert "got \\x1b[31mred\\r" in page and "boot\\x1b[2J\\x00" in page
    assert "\\x1b]0;pwned\\x07" in page
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", page)


# --------------------------------------------------------------------------------------------
# one batch in the sandbox: a hub per attack, at -j 2
# --------------------------------------------------------------------------------------------

# Appended to the Flask starter's wsgi.py: each answers the latest and stats queries with
# its attack and everything else correctly.
_ATTACK = """
import os
_inner = app.wsgi_app
BOMB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bomb.gz")

def _attacked(environ, start_response):
    path = environ["PATH_INFO"]
    if environ["REQUEST_METHOD"] == "GET" and path.endswith(("/readings/latest",
                                                              "/readings/stats")):
        return _answer(path, start_response)
    return _inner(environ, start_response)

app.wsgi_app = _attacked
"""
ATTACKS = {
    # 1 MB of gzip that inflates to 1 GiB
    "gzip-bomb": """
        def _answer(path, start_response):
            with open(BOMB, "rb") as handle:
                bomb = handle.read()
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Encoding", "gzip"),
                                      ("Content-Length", str(len(bomb)))])
            return [bomb]
        """,
    # a gibibyte, the same MiB over and over (no memory in the hub)
    "huge-body": """
        _MIB = b" " * (1 << 20)

        def _answer(path, start_response):
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(1 << 30))])
            return (_MIB for _ in range(1024))
        """,
    # gzip twice for latest, brotli (or so it says) for stats
    "odd-encodings": """
        import gzip

        def _answer(path, start_response):
            body = b'{"readings": []}'
            if path.endswith("/latest"):
                coding, body = "gzip, gzip", gzip.compress(gzip.compress(body))
            else:
                coding = "br"
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Encoding", coding),
                                      ("Content-Length", str(len(body)))])
            return [body]
        """,
}
ATTACK_PHRASE = {
    "gzip-bomb": BIG,
    "huge-body": BIG,
    "odd-encodings": "Content-Encoding",
}
# An honest hub that logs every request (method, path, query, body) and, from a thread,
# keeps printing every query string it has seen: a late echo of what hidden tests sent,
# which also keeps them in the last lines of its output. Its banner tries terminal escapes,
# a carriage return that overwrites, a NUL and a bidi override.
LEAKY = """
import io, sys, threading, time
from urllib.parse import unquote_plus

print("\\x1b[2J\\x1b[31mBOOT\\rOVERWRITE\\x00NUL\\u202eRTL\\x1b[0m", flush=True)
_seen = []
_queries = {}
_inner = app.wsgi_app

def _logged(environ, start_response):
    size = int(environ.get("CONTENT_LENGTH") or 0)
    body = b""
    if 0 < size <= 65536:
        body = environ["wsgi.input"].read(size)
        environ["wsgi.input"] = io.BytesIO(body)
    line = (f"REQ {environ['REQUEST_METHOD']} {environ['PATH_INFO']} "
            f"{unquote_plus(environ.get('QUERY_STRING', ''))} {body[:300]!r}")
    _seen.append(line)
    _queries.setdefault(unquote_plus(environ.get("QUERY_STRING", "")), None)
    print(line, flush=True)
    return _inner(environ, start_response)

def _echo():
    while True:
        time.sleep(0.1)
        print("ECHO " + " | ".join(_seen[-5:]), flush=True)
        print("QUERIES " + " | ".join(q for q in _queries if q)[-2500:], flush=True)

threading.Thread(target=_echo, daemon=True).start()
app.wsgi_app = _logged
"""
# What hidden tests send and no public test does, nor any hidden test's name shows.
HIDDEN_INPUTS = ["eyJ4IjogMX0", "MjAyNS0wMy0wMVQwODowMDowMCswMDowMHxhYmM", "Bad Sensor",
                 "BAD ID"]
LIMITS = Limits(startup_seconds=12.0, request_seconds=5.0, wall_seconds=150.0)
ASSIGNMENT = "flask-hub"
sandboxed = pytest.mark.skipif(not detect_sandbox().isolated,
                               reason="needs root, namespaces and bubblewrap")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    """Grade the attack hubs and the leaky one in one batch at -j 2: (course dir, results)."""
    course: Course = snapshot_course(tmp_path_factory.mktemp("repo"))
    course_dir = tmp_path_factory.mktemp("course")
    patches = {name: _ATTACK + textwrap.dedent(code) for name, code in ATTACKS.items()}
    patches["leaky-log"] = LEAKY
    bomb = gzip_bomb()
    for name, patch in patches.items():
        dest = build("correct", course_dir / "submitted" / name / ASSIGNMENT,
                     course_dir=course_dir, student=name,
                     contract=course.get(ASSIGNMENT).contract)
        wsgi = dest / "wsgi.py"
        wsgi.write_text(wsgi.read_text() + "\n" + patch)
        if name == "gzip-bomb":
            (dest / "bomb.gz").write_bytes(bomb)
    graded = grade(course, ASSIGNMENT, course_dir=course_dir, jobs=2, limits=LIMITS)
    return course_dir, {r["student"]: r for r in graded}


@pytest.mark.slow
@sandboxed
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_an_answer_the_client_refuses_fails_only_its_tests(batch, name: str) -> None:
    """The job is graded; the tests that met the attack fail saying why; the rest pass."""
    result = batch[1][name]
    assert result["status"] == "graded", result["feedback"]
    tests = result["tests"]
    failed_public = [t for t in tests if t["visibility"] == "public" and not t["passed"]]
    assert failed_public, "the attack was never met"
    for test in failed_public:
        assert ATTACK_PHRASE[name] in test["message"], (test["name"], test["message"])
        assert "MemoryError" not in test["message"]
    # the run went on after the attack: only tests of modules that ask for latest or stats
    # failed, and every test of the other modules (run before and after them) passed
    asking = {p.name for p in CONTRACT.glob("*/test_*.py")
              if re.search(r"/latest|/stats", p.read_text(encoding="utf-8"))}
    others = [t for t in tests if t["name"].split("::")[0].rsplit("/", 1)[-1] not in asking]
    assert asking and others and all(t["passed"] for t in others), \
        [t["name"] for t in others if not t["passed"]]
    assert any("commands" in t["name"] for t in others)
    assert 0 < result["score"] < result["max_score"]


@pytest.mark.slow
@sandboxed
def test_the_gzip_bomb_message_names_the_size(batch) -> None:
    result = batch[1]["gzip-bomb"]
    messages = [t["message"] for t in result["tests"] if t["message"]]
    assert any("more than 4194304 bytes once gzip-decoded" in m for m in messages)


@pytest.mark.slow
@sandboxed
def test_the_odd_encodings_are_named(batch) -> None:
    messages = [t["message"] for t in batch[1]["odd-encodings"]["tests"] if t["message"]]
    assert any("more than one Content-Encoding (gzip, gzip)" in m for m in messages)
    assert any("Content-Encoding 'br' is not one the client takes" in m for m in messages)


@pytest.mark.slow
@sandboxed
def test_the_feedback_page_shows_nothing_hidden_tests_sent(batch) -> None:
    course_dir, results = batch
    result = results["leaky-log"]
    assert result["status"] == "graded" and result["score"] == result["max_score"]
    hidden_sources = "".join(p.read_text() for p in (CONTRACT / "hidden").glob("*.py"))
    public_sources = "".join(p.read_text() for p in (CONTRACT / "tests").glob("*.py"))
    names = " ".join(t["name"] for t in result["tests"])
    for needle in HIDDEN_INPUTS:  # the attack is real: hidden tests send each of these
        assert needle in hidden_sources and needle not in public_sources + names, needle
    page = feedback_path(course_dir, "leaky-log", ASSIGNMENT).read_text(encoding="utf-8")
    stored = json.dumps(result, ensure_ascii=False)
    for needle in HIDDEN_INPUTS:
        assert needle not in page, needle
        assert needle not in stored, needle
    # the log is there all the same: start-up and the public tests' requests
    assert "REQ GET /api/v1/health" in result["server_log_tail"]
    assert "REQ GET /api/v1/health" in page
    # escaped, never interpreted
    assert "\\x1b[2J\\x1b[31mBOOT\\rOVERWRITE\\x00NUL\\u202eRTL" in page
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", page)
