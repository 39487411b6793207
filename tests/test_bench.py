"""The benchmark suite's logic: wrk output parsing, the report table, the baseline app.

No timing here: speed is measured by `make bench`, not asserted by tests.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from bench import baseline_wsgi, feedback, queries, report, run, simulation
from bench.loadgen import WRK_SCRIPT, parse_wrk, to_seconds

FIXTURES = Path(__file__).parent / "fixtures"


def test_parse_wrk_reads_a_real_latency_run():
    result = parse_wrk((FIXTURES / "wrk_latency_output.txt").read_text())
    assert result.requests == 1219
    assert result.seconds == pytest.approx(1.0)
    assert result.requests_per_s == pytest.approx(1213.07)
    assert result.p50_ms == pytest.approx(5.23)
    assert result.p99_ms == pytest.approx(46.93)
    assert (result.non_2xx, result.errors) == (0, 0)


def test_parse_wrk_counts_refused_requests():
    result = parse_wrk((FIXTURES / "wrk_latency_output_non2xx.txt").read_text())
    assert result.non_2xx == result.requests == 3073
    assert result.p99_ms == pytest.approx(4.83)


def test_parse_wrk_sums_socket_errors_and_reads_seconds_units():
    text = (
        (FIXTURES / "wrk_latency_output.txt")
        .read_text()
        .replace(
            "  1219 requests in 1.00s",
            "  Socket errors: connect 1, read 2, write 3, timeout 4\n  1219 requests in 1.00s",
        )
        .replace("99%   46.93ms", "99%    1.50s")
    )
    result = parse_wrk(text)
    assert result.errors == 10
    assert result.p99_ms == pytest.approx(1500)


def test_parse_wrk_refuses_output_without_a_latency_distribution():
    text = "Running 1s test @ http://x\n  10 requests in 1.00s, 1KB read\n"
    with pytest.raises(ValueError, match="latency distribution"):
        parse_wrk(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("456.00us", 456e-6), ("1.23ms", 1.23e-3), ("2.00s", 2.0), ("1.50m", 90.0)],
    ids=["micro", "milli", "seconds", "minutes"],
)
def test_to_seconds_knows_wrk_units(text, seconds):
    assert to_seconds(text) == pytest.approx(seconds)


def test_wrk_script_sends_unique_seq_per_thread():
    assert 'thread:set("tid"' in WRK_SCRIPT
    assert "(tid or 0) * 1000000000" in WRK_SCRIPT


def sample_results() -> dict[str, dict]:
    """Section results shaped as the benchmarks write them."""
    cases = [
        {
            "server": s,
            "kind": k,
            "batch": b,
            "requests_per_s": rps,
            "readings_per_s": rps * b,
            "p50_ms": 2.0,
            "p99_ms": 9.5,
            "ratio_to_baseline": rps / base,
        }
        for s, k, b, rps, base in [
            ("baseline", "single", 1, 2000.0, 2000.0),
            ("flask", "single", 1, 1200.0, 2000.0),
            ("django", "single", 1, 700.0, 2000.0),
            ("baseline", "batch", 100, 400.0, 400.0),
            ("flask", "batch", 100, 100.0, 400.0),
            ("django", "batch", 100, 40.0, 400.0),
        ]
    ]
    queries = [
        {"server": s, "indexes": i, "query": q, "median_ms": ms}
        for s in ("flask", "django")
        for i, ms in (("contract", 12.5), ("dropped", 250.0))
        for q in ("latest", "window", "stats")
    ]
    queries.append({"server": "flask", "indexes": "covering", "query": "stats", "median_ms": 3.25})
    return {
        "ingestion": {
            "status": "ok",
            "quick": False,
            "duration_s": 70,
            "cases": cases,
            "load_generator": "wrk",
            "connections": 8,
            "seconds_per_case": 10,
        },
        "queries": {
            "status": "ok",
            "results": queries,
            "readings": 1_000_000,
            "repetitions": 20,
            "dropped_indexes": {"flask": ["ix_readings_device_sensor_time"]},
        },
        "grading": {
            "status": "failed",
            "errors": {"django": "boom"},
            "rows": [
                {"what": "flask hub, -j 2", "hub": "flask", "seconds_per_submission": 1.25},
            ],
        },
    }


def test_ingestion_table_shows_each_server_and_its_ratio():
    table = report.ingestion_table(sample_results()["ingestion"])
    flask_single = next(row for row in table.rows if row[:2] == ["flask", "1 reading"])
    assert flask_single[2:4] == ["1,200", "1,200"]
    assert flask_single[-1] == "0.60"
    django_batch = next(row for row in table.rows if row[:2] == ["django", "100 readings"])
    assert django_batch[3] == "4,000"


def test_targets_say_which_were_reached():
    checks = {target: reached for target, _, reached in report.target_checks(sample_results())}
    assert checks["flask: ≥ 0.4 × baseline single-POST throughput"] is True
    assert checks["django: ≥ 0.4 × baseline single-POST throughput"] is False
    assert checks["flask: latest per sensor over the stored readings < 100 ms"] is True
    assert checks["flask: batch ingestion > 5,000 readings/s"] is True
    assert checks["django: batch ingestion > 5,000 readings/s"] is False
    assert checks["flask: stats over the stored readings < 100 ms"] is True
    assert checks["flask: grading < 2 s per submission"] is True
    measured = {target: text for target, text, _ in report.target_checks(sample_results())}
    assert measured["flask: stats over the stored readings < 100 ms"] == (
        "12.5 ms (covering index: 3.2 ms)"
    )
    assert checks["django: grading < 2 s per submission"] is None


def test_markdown_report_has_every_table_and_the_failures():
    text = report.to_markdown(report.build_tables(sample_results()), "*heading*")
    for title in ("Ingestion", "Queries (median ms per request)", "Grading", "Targets", "Runs"):
        assert f"### {title}" in text
    assert "| stats of one sensor | 12.5 | 250.0 | 12.5 | 250.0 |" in text
    assert "(device, sensor, recorded_at, value): flask 3.2 ms." in text
    assert "| grading | full | failed | — | django: boom |" in text
    assert "| simulation | — | not run | — |  |" in text
    header = next(line for line in text.splitlines() if line.startswith("| server"))
    rule = text.splitlines()[text.splitlines().index(header) + 1]
    assert rule.count("|") == header.count("|")


def test_build_writes_table_and_plots(tmp_path):
    for name, data in sample_results().items():
        (tmp_path / f"{name}.json").write_text(__import__("json").dumps(data))
    path = report.build(results_dir=tmp_path)
    assert path.read_text().startswith("*Measured ")
    for plot in ("ingestion.png", "queries.png"):
        assert (tmp_path / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_refuses_an_unknown_benchmark(capsys):
    with pytest.raises(SystemExit):
        run.parse_args(["--only", "ingestion,speed"])
    assert "unknown benchmark(s) speed" in capsys.readouterr().err


@pytest.fixture
def baseline(tmp_path, monkeypatch):
    """An httpx client talking to the baseline WSGI app in-process, with one device."""
    db = tmp_path / "baseline.sqlite3"
    baseline_wsgi.init_db(str(db), "room", "k" * 32)
    monkeypatch.setenv("BASELINE_DB", str(db))
    monkeypatch.setattr(baseline_wsgi, "_connection", None)
    transport = httpx.WSGITransport(app=baseline_wsgi.app)
    with httpx.Client(transport=transport, base_url="http://hub") as client:
        yield client
    if baseline_wsgi._connection is not None:
        baseline_wsgi._connection.close()


def post(client: httpx.Client, body: object, key: str = "k" * 32) -> httpx.Response:
    """Post readings for the baseline's device."""
    return client.post("/api/v1/devices/room/readings", json=body, headers={"X-API-Key": key})


def test_baseline_stores_a_reading_and_answers_a_replay_with_200(baseline):
    first = post(baseline, {"sensor": "temperature", "value": 21.5, "seq": 7})
    assert first.status_code == 201
    assert first.json()["value"] == 21.5
    again = post(baseline, {"sensor": "temperature", "value": 99, "seq": 7})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["value"] == 21.5


def test_baseline_stores_a_batch(baseline):
    answer = post(
        baseline, {"readings": [{"sensor": "s1", "value": n, "seq": n} for n in range(3)]}
    )
    assert answer.status_code == 201
    assert (answer.json()["created"], answer.json()["replayed"]) == (3, 0)


@pytest.mark.parametrize(
    ("body", "key", "status"),
    [
        ({"sensor": "t", "value": True}, "k" * 32, 400),
        ({"sensor": "t", "value": "21.5"}, "k" * 32, 400),
        ({"sensor": "Bad Slug", "value": 1}, "k" * 32, 400),
        ({"sensor": "t", "value": 1, "recorded_at": "2026-01-01T10:00:00"}, "k" * 32, 400),
        ({"sensor": "t", "value": 1}, "wrong", 401),
    ],
    ids=["bool", "string", "slug", "naive-time", "wrong-key"],
)
def test_baseline_refuses_what_the_contract_refuses(baseline, body, key, status):
    answer = post(baseline, body, key)
    assert answer.status_code == status
    assert set(answer.json()["error"]) == {"code", "message", "details"}


@pytest.mark.parametrize(
    ("output", "counts", "seconds"),
    [
        ("....\n5 passed, 241 deselected in 2.30s\n", {"passed": 5, "deselected": 241}, 2.3),
        (
            "===== 3 failed, 240 passed, 1 error in 12.01s (0:00:12) =====\n",
            {"failed": 3, "passed": 240, "error": 1},
            12.01,
        ),
        ("Total: 12/325 points, 10/246 tests passed.\n", {"passed": 10, "failed": 236}, None),
        ("ImportError: no module named hub\n", {}, None),
    ],
    ids=["pytest-quiet", "pytest-borders", "grader-check", "nothing-ran"],
)
def test_feedback_reads_pytest_and_grader_check_summaries(output, counts, seconds):
    assert feedback.summarise(output) == (counts, seconds)


def test_fleet_summary_line_is_parsed():
    line = "generated 412, sent 415, acknowledged 412, retried 3, queued 0, lost 0"
    found = {kind: int(n) for kind, n in simulation.SUMMARY.findall(line)}
    assert found == {
        "generated": 412,
        "sent": 415,
        "acknowledged": 412,
        "retried": 3,
        "queued": 0,
        "lost": 0,
    }


def test_seeded_times_look_like_the_hubs_own():
    assert queries.time_format("2026-01-01 00:00:00.123456") == (" ", "")
    assert queries.time_format("2026-01-01T00:00:00+00:00") == ("T", "+00:00")
    rows = list(queries.seed_rows("room", 5, " ", ""))
    assert [row[1] for row in rows] == ["humidity", "light", "motion", "temperature", "humidity"]
    assert rows[1][4] == "2026-01-01 00:00:01.123456"
    assert [row[6] for row in rows] == [0, 1, 2, 3, 4]


def test_drop_indexes_keeps_the_unique_constraint(tmp_path):
    db = sqlite3.connect(tmp_path / "hub.sqlite3")
    db.executescript(baseline_wsgi.SCHEMA)
    dropped = queries.drop_indexes(db, "readings")
    left = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='readings'"
        )
    ]
    db.close()
    assert sorted(dropped) == ["readings_device_sensor_time"]
    assert left == ["sqlite_autoindex_readings_1"]


def test_runs_table_shows_the_telling_line_of_a_traceback_and_survives_brackets():
    error = "grader check failed:\nTraceback...\n  File x\nMarkupError: closing tag '[/api/v1/x]'"
    results = {"feedback": {"status": "failed", "quick": True, "errors": {"check": error}}}
    row = next(r for r in report.status_table(results).rows if r[0] == "feedback")
    assert row[-1] == "check: grader check failed … MarkupError: closing tag '[/api/v1/x]'"
    report.console.print(report.to_rich(report.status_table(results)))  # no MarkupError
