"""The contract suite's pytest plugin: options, markers, fixtures and assertion helpers.

One suite checks every hub, through one ``httpx.Client``:

    pytest starter/contract --backend flask                    # in-process, over WSGI
    pytest starter/contract --backend django                   # in-process, over WSGI
    pytest starter/contract --backend http://127.0.0.1:5000    # a running hub, over HTTP

A conftest loads this module with ``pytest_plugins = ["hubcontract"]`` after putting this
directory on ``sys.path``; loading it twice is harmless (pytest registers a plugin once).
Every contract test (a test under this directory) must carry ``@pytest.mark.points(n)``,
``@pytest.mark.hint("...")`` and ``@pytest.mark.stage(k)`` (or a module's ``pytestmark``):
the grader reads all three, and a test without them is refused. The stage is the step of the
project whose lesson teaches what the test checks (``STAGES``); tests run, and are reported,
stage by stage in the order the lessons teach them (``TEACHING_ORDER``).

At the end of a run it prints the guide (hubguide.py, beside this file): the points of each
stage, the current stage in full and the next test to work on; ``--stage=K`` shows stage K
in full, ``--stage=all`` every stage. (A starter's pytest.ini loads this plugin with ``-p``,
so ``--stage K`` works there too; where only a conftest loads it, write the ``=``: pytest
reads ``--stage K`` as an option and a path before it loads a conftest.)
A test that cannot run because an earlier stage is not written yet (registering a device
answers 501, say) is skipped with a reason that names that stage, instead of failing with
a traceback.

The client reads at most ``HUB_CONTRACT_MAX_RESPONSE_BYTES`` (default 4 MiB) of any answer,
counted after decompressing, and takes no Content-Encoding but gzip or deflate, once
(`BoundedTransport`): a hub that answers more, or a gzip bomb, fails that one test with a
message that says so, and the rest of the run goes on. The grader runs this suite as root,
so what a hub sends must never decide how much memory it takes.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import httpx
import hubguide
import pytest
import yaml

try:  # fast (Rust); the pure-Python jsonschema spends seconds importing its format checkers
    import jsonschema_rs
except ImportError:  # pragma: no cover - a starter installed with jsonschema only
    jsonschema_rs = None

CONTRACT_DIR = Path(__file__).resolve().parent
OPENAPI_PATH = CONTRACT_DIR / "openapi.yaml"
API = "/api/v1"
DEFAULT_ADMIN_TOKEN = "dev-admin-token"
MAX_BODY_BYTES = 1_048_576
MAX_RESPONSE_BYTES = 4 << 20
"""The most the client reads of one answer, decompressed ($HUB_CONTRACT_MAX_RESPONSE_BYTES).

The biggest answer a reference hub gives the suite is about 0.56 MB (Flask's 400 listing
10,000 unknown fields; Django's is 0.41 MB); a hub that lists pydantic's full errors() there
sends about 1.4 MB. 4 MiB leaves room for honest answers and still bounds a gzip bomb."""
IN_PROCESS_BACKENDS = ("flask", "django")
WSGI_BASE_URL = "http://testserver"
OPENAPI_URI = "urn:blink-to-backend:hub-openapi"
STATUS_OF_CODE = {
    "validation_error": 400,
    "malformed_json": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "rate_limited": 429,
}
STAGES = {
    1: "Health and devices",
    2: "Posting readings",
    3: "Reading back",
    4: "Commands",
    5: "Hardening",
}
"""The stages of the project, in the order the course climbs them."""
TEACHING_ORDER = (
    "health",
    "devices",
    "errors",
    "readings_post",
    "readings",
    "readings_query",
    "queries",
    "stats",
    "commands",
    "hostile",
    "rate_limit",
)
"""Within a stage, the order of the test modules (``test_<name>.py``, ``test_hidden_<name>.py``)."""
TEST_RATE_LIMIT = "5/minute"
"""The HUB_RATE_LIMIT of the in-process hub that the rate-limit tests talk to.

Every other test runs against a hub without a limit. Over HTTP, the suite cannot restart the
hub: the rate-limit tests use the limit it was started with (``--rate-limit``, else
``$HUB_RATE_LIMIT``) and are skipped without one; the other tests then run under that limit
too, so give a hub under test at least ``60/minute``."""
RATE_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
DEVICES_STAGE = 1
"""The stage whose lesson teaches registering a device: the device fixtures need it."""
# Each test of this run, for the guide: nodeid -> its record (points, hint, stage, outcome).
_RUN: dict[str, dict[str, Any]] = {}
_OUTCOME_RANK = {"not_run": 0, "passed": 1, "skipped": 2, "failed": 3, "error": 4}


# --------------------------------------------------------------------------------------------
# options and markers
# --------------------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --backend and --admin-token, and the ini key hub_backend (a starter's default)."""
    group = parser.getgroup("hub", "the hub's contract suite")
    group.addoption(
        "--backend",
        default=None,
        help="which hub to test: flask, django (in-process) or a base URL such as "
        "http://127.0.0.1:5000 (a running hub). Default: the ini key hub_backend.",
    )
    group.addoption(
        "--admin-token",
        default=None,
        help="the hub's admin token (default: $HUB_ADMIN_TOKEN, else dev-admin-token)",
    )
    group.addoption(
        "--stage",
        metavar="K",
        default=None,
        help="at the end, show stage K in full (all: every stage) instead of the stage "
        "you are on; write --stage=K",
    )
    group.addoption(
        "--rate-limit",
        default=None,
        help="the HUB_RATE_LIMIT the hub under test was started with, over HTTP "
        "(default: $HUB_RATE_LIMIT); the rate-limit tests need one. In-process hubs get "
        f"{TEST_RATE_LIMIT!r} for those tests only.",
    )
    parser.addini("hub_backend", "the default --backend of this starter", default="")


def pytest_configure(config: pytest.Config) -> None:
    """Register the points and hint markers, so a starter without pyproject.toml works too."""
    config.addinivalue_line("markers", "points(n): how many points a contract test is worth")
    config.addinivalue_line("markers", "hint(text): what a student should check when it fails")
    config.addinivalue_line("markers", "stage(k): the stage of the project that this test checks")
    shown_stage(config)  # refuse a bad --stage before anything runs
    _RUN.clear()


def shown_stage(config: pytest.Config) -> int | str | None:
    """What --stage asks the guide to show in full: a stage number, "all", or None."""
    value = (config.getoption("stage", None) or "").strip().lower()
    if not value:
        return None
    if value == "all":
        return "all"
    if value.isdigit() and int(value) in STAGES:
        return int(value)
    raise pytest.UsageError(
        f"--stage {value!r}: give a stage number ({', '.join(map(str, STAGES))}) or all"
    )


def backend_of(config: pytest.Config) -> str:
    """The backend asked for: --backend, else the ini key hub_backend, else ''."""
    return (config.getoption("backend") or config.getini("hub_backend") or "").strip()


def admin_token_of(config: pytest.Config) -> str:
    """The admin token: --admin-token, else $HUB_ADMIN_TOKEN, else the development default."""
    return (
        config.getoption("admin_token") or os.environ.get("HUB_ADMIN_TOKEN") or DEFAULT_ADMIN_TOKEN
    )


def is_contract_test(item: pytest.Item) -> bool:
    """Whether the test lives in this directory (tests/ or hidden/)."""
    return CONTRACT_DIR in Path(item.path).resolve().parents


def marker_problem(item: pytest.Item) -> str | None:
    """What is wrong with a contract test's points and hint markers, or None."""
    points, hint = item.get_closest_marker("points"), item.get_closest_marker("hint")
    if points is None:
        return f"{item.nodeid}: add @pytest.mark.points(n), n from 1 to 3"
    if hint is None:
        return f'{item.nodeid}: add @pytest.mark.hint("what to check when it fails")'
    value = points.args[0] if points.args else None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 3:
        return f"{item.nodeid}: @pytest.mark.points takes one whole number from 1 to 3"
    if not hint.args or not isinstance(hint.args[0], str) or not hint.args[0].strip():
        return f"{item.nodeid}: @pytest.mark.hint takes one non-empty sentence"
    stage = item.get_closest_marker("stage")
    if stage is None:
        return f"{item.nodeid}: add @pytest.mark.stage(k), k one of {sorted(STAGES)}"
    if stage_of(item) not in STAGES:
        return f"{item.nodeid}: @pytest.mark.stage takes one stage number of {sorted(STAGES)}"
    return None


def stage_of(item: pytest.Item) -> int | None:
    """The stage number of a test, or None when it has no valid stage marker."""
    marker = item.get_closest_marker("stage")
    value = marker.args[0] if marker is not None and len(marker.args) == 1 else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def teaching_rank(item: pytest.Item) -> tuple[int, int, int]:
    """Sort key of a contract test: its stage, its module's rank in TEACHING_ORDER, public first."""
    name = Path(item.path).stem.removeprefix("test_")
    hidden = name.startswith("hidden_")
    topic = name.removeprefix("hidden_")
    rank = TEACHING_ORDER.index(topic) if topic in TEACHING_ORDER else len(TEACHING_ORDER)
    return (stage_of(item) or 0, rank, int(hidden))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse contract tests without points and hint; check a backend was chosen."""
    contract = [item for item in items if is_contract_test(item)]
    problems = [p for p in map(marker_problem, contract) if p]
    if problems:
        raise pytest.UsageError(
            "every contract test needs @pytest.mark.points(n), @pytest.mark.hint(text) and "
            "@pytest.mark.stage(k):\n  "
            + "\n  ".join(problems)
        )
    if contract:
        check_backend(backend_of(config))
    for item in contract:
        points = item.get_closest_marker("points").args[0]
        item.user_properties.append(("points", points))
        item.user_properties.append(("hint", item.get_closest_marker("hint").args[0]))
        item.user_properties.append(("stage", stage_of(item)))
        item.user_properties.append(("stage_title", STAGES[stage_of(item)]))
    # Run (and report) the contract tests stage by stage, as the lessons teach them; sorted()
    # is stable, so within a module the tests keep the order they are written in.
    rank = {id(item): teaching_rank(item) for item in contract}
    positions = [index for index, item in enumerate(items) if id(item) in rank]
    for index, item in zip(positions, sorted(contract, key=lambda i: rank[id(i)]), strict=True):
        items[index] = item


def check_backend(backend: str) -> None:
    """Refuse a missing or unknown --backend with a message that says what to pass."""
    if backend in IN_PROCESS_BACKENDS or re.match(r"^https?://[^/\s]+", backend):
        return
    what = f"--backend {backend!r} is not a backend" if backend else "no hub chosen"
    raise pytest.UsageError(
        f"{what}: pass --backend flask, --backend django "
        "or the URL of a running hub, e.g. --backend http://127.0.0.1:5000"
    )


# --------------------------------------------------------------------------------------------
# reporting: the hint under a failure, the points at the end
# --------------------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Skip a test that met an earlier stage's unwritten code; add the hint under a failure."""
    report = yield
    if report.failed and report.when == "call" and call.excinfo is not None:
        reason = blocked_by_earlier_stage(item, call.excinfo.value)
        if reason is not None:
            report.outcome = "skipped"
            report.longrepr = (__file__, _SKIP_LINE, f"Skipped: {reason}")
            return report
    if report.skipped and isinstance(report.longrepr, tuple) and _needs_stage(report.longrepr):
        report.longrepr = (__file__, _SKIP_LINE, report.longrepr[2])  # one place: -ra folds them
    hint = item.get_closest_marker("hint")
    if report.failed and hint is not None and hint.args:
        report.sections.append(("hint", str(hint.args[0])))
    return report


# skips for an earlier stage are reported at one place, so pytest -ra folds them into one line
_SKIP_LINE = pytest_runtest_makereport.__code__.co_firstlineno


def _needs_stage(longrepr: tuple[str, int, str]) -> bool:
    """Whether a skip's reason is an earlier stage to finish (see needs_stage)."""
    return str(longrepr[2]).removeprefix("Skipped: ").startswith("needs stage ")


def needs_stage(stage: int, what: str) -> str:
    """The reason of a skip: 'needs stage 1: ... — finish stage 1 first'."""
    return f"needs stage {stage}: {what} — finish stage {stage} first"


def blocked_by_earlier_stage(item: pytest.Item, error: BaseException) -> str | None:
    """Why a failure is really an earlier stage's unwritten code, or None.

    That is an AssertionError showing a ``501 not_implemented`` answer whose message names
    a stage ("stage 2: write post_readings() ...") before the test's own stage.
    """
    test_stage = stage_of(item)
    if test_stage is None or not isinstance(error, AssertionError):
        return None
    answer = hubguide.parse_answer(str(error))
    if answer is None or answer.status != 501 or answer.code != "not_implemented":
        return None
    named = re.match(r"\s*stage (\d+)\b", answer.message or "")
    if named is None or int(named[1]) >= test_stage:
        return None
    path = answer.path.split("?", 1)[0]
    template = next((t for rx, t in _routes() if rx.match(path)), path)
    return needs_stage(int(named[1]), f"{answer.method} {template} answered 501 not_implemented")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Fold the setup, call and teardown reports of each test into its record for the guide."""
    properties = dict(report.user_properties)
    record = _RUN.setdefault(report.nodeid, {
        "nodeid": report.nodeid, "points": properties.get("points", 0),
        "hint": properties.get("hint"), "stage": properties.get("stage"),
        "stage_title": properties.get("stage_title"), "outcome": "not_run", "message": None,
    })
    if report.passed and report.when != "call":
        return
    if report.skipped:
        outcome = "skipped"
    elif report.failed:
        outcome = "failed" if report.when == "call" else "error"
    else:
        outcome = "passed"
    if _OUTCOME_RANK[outcome] > _OUTCOME_RANK[record["outcome"]]:
        record["outcome"], record["message"] = outcome, _message(report)
    record["passed"] = record["outcome"] == "passed"


def _message(report: pytest.TestReport) -> str | None:
    """The error's text (or a skip's reason) of one phase's report."""
    if report.passed:
        return None
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        return str(report.longrepr[2])
    crash = getattr(report.longrepr, "reprcrash", None)
    return crash.message if crash is not None else str(report.longrepr or "")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> Any:
    """After pytest's own summary, print the guide: stage by stage, then what to do next."""
    result = yield
    contract = [r for r in _RUN.values() if r["stage"] is not None]
    if not contract:
        return result
    guide = hubguide.Guide(hubguide.TestResult.from_record(r) for r in _RUN.values())
    width = min(max(config.get_terminal_writer().fullwidth, 60), 100)
    terminalreporter.write_sep("=", f"your hub (points: {guide.earned:g}/{guide.possible:g})")
    markup = {"title": {"bold": True}, "pass": {"green": True}, "fail": {"red": True},
              "next": {"bold": True, "cyan": True}, "got": {"yellow": True}}
    lines = hubguide.render(guide, width=width, show=shown_stage(config),
                            stage_command="python -m pytest --stage=K",
                            all_command="--stage=all")
    for line in lines:
        terminalreporter.write_line(line.text, **markup.get(line.style, {}))
    return result


# --------------------------------------------------------------------------------------------
# the hub under test
# --------------------------------------------------------------------------------------------


def find_starter(backend: str) -> Path:
    """The starter directory of an in-process backend: ../<backend> in the repo, else .."""
    for candidate in (CONTRACT_DIR.parent / backend, CONTRACT_DIR.parent):
        has_hub = (candidate / "hub" / "__init__.py").is_file()
        is_django = (candidate / "manage.py").is_file()
        if has_hub and is_django == (backend == "django"):
            return candidate
    raise pytest.UsageError(
        f"cannot find the {backend} starter (a directory with the package hub/) next to "
        f"{CONTRACT_DIR}; pass --backend http://... to test a running hub instead"
    )


def _flask_app(mp: pytest.MonkeyPatch, workdir: Path, token: str) -> Any:
    """Build the Flask hub with a fresh SQLite database in workdir."""
    mp.syspath_prepend(str(find_starter("flask")))
    import hub  # the Flask starter's package

    return hub.create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{workdir / 'hub.sqlite3'}",
            "HUB_ADMIN_TOKEN": token,
        }
    )


def _django_app(mp: pytest.MonkeyPatch, workdir: Path, token: str) -> Any:
    """Set up the Django hub with a fresh, migrated SQLite database in workdir."""
    mp.syspath_prepend(str(find_starter("django")))
    mp.setenv("DJANGO_SETTINGS_MODULE", "config.settings.test")
    mp.setenv("DATABASE_URL", f"sqlite:///{workdir / 'hub.sqlite3'}")
    mp.setenv("HUB_ADMIN_TOKEN", token)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from config.wsgi import application

    return application


@contextlib.contextmanager
def wsgi_app(backend: str, workdir: Path, token: str) -> Iterator[Any]:
    """The in-process hub as a WSGI app; sys.path and the environment are restored after."""
    builders = {"flask": _flask_app, "django": _django_app}
    with pytest.MonkeyPatch.context() as mp:
        yield builders[backend](mp, workdir, token)


@pytest.fixture(scope="session")
def hub_backend(pytestconfig: pytest.Config) -> str:
    """The backend under test: 'flask', 'django' or a base URL."""
    backend = backend_of(pytestconfig)
    check_backend(backend)
    return backend


@pytest.fixture(scope="session")
def admin_token(pytestconfig: pytest.Config) -> str:
    """The hub's admin token."""
    return admin_token_of(pytestconfig)


@pytest.fixture(scope="session")
def hub_app(hub_backend: str, admin_token: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The WSGI app of an in-process backend (None over HTTP); one database per session."""
    if hub_backend not in IN_PROCESS_BACKENDS:
        yield None
        return
    with (
        fast_workdir(tmp_path_factory) as workdir,
        wsgi_app(hub_backend, workdir, admin_token) as app,
    ):
        yield app


@contextlib.contextmanager
def fast_workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A directory for the test database: in RAM (/dev/shm) when there is one, it saves fsyncs."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path_factory.mktemp("hub")
        return
    with tempfile.TemporaryDirectory(prefix="hub-contract-", dir=shm) as workdir:
        yield Path(workdir)


@pytest.fixture(scope="session")
def client(hub_backend: str, hub_app: Any) -> Iterator[httpx.Client]:
    """One httpx.Client for the whole run: over WSGI in-process, else over real HTTP.

    Either way its transport is a `BoundedTransport`: no answer is read past
    max_response_bytes(), decompressed.
    """
    limit = max_response_bytes()
    if hub_app is not None:
        transport = BoundedTransport(httpx.WSGITransport(app=hub_app), limit)
        with httpx.Client(transport=transport, base_url=WSGI_BASE_URL) as http:
            yield http
    else:
        timeout = float(os.environ.get("HUB_CONTRACT_TIMEOUT", "30"))  # the grader sets it
        transport = BoundedTransport(httpx.HTTPTransport(), limit)
        with httpx.Client(transport=transport, base_url=hub_backend.rstrip("/"),
                          timeout=timeout) as http:
            yield http


@dataclass(frozen=True)
class LimitedHub:
    """A hub that enforces HUB_RATE_LIMIT: a client to it, and its limit."""

    client: httpx.Client
    limit: int  # requests per window, for each device key
    period: int  # seconds in a window


def parse_rate_limit(text: str) -> tuple[int, int] | None:
    """``"5/minute"`` as (5, 60); None for no limit ("" or "0"); UsageError when unreadable."""
    text = text.strip()
    if text in ("", "0"):
        return None
    match = re.fullmatch(r"(\d+)/(second|minute|hour|day)", text)
    if match is None or int(match[1]) < 1:
        raise pytest.UsageError(f"rate limit {text!r}: write it like 5/minute")
    return int(match[1]), RATE_PERIODS[match[2]]


@pytest.fixture(scope="session")
def _limited_flask_client(
    hub_app: Any, admin_token: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """A second in-process Flask hub, with its own database and HUB_RATE_LIMIT=TEST_RATE_LIMIT."""
    import hub  # importable: hub_app put the Flask starter on sys.path

    workdir = tmp_path_factory.mktemp("limited-hub")
    app = hub.create_app({
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{workdir / 'hub.sqlite3'}",
        "HUB_ADMIN_TOKEN": admin_token,
        "HUB_RATE_LIMIT": TEST_RATE_LIMIT,
    })
    transport = BoundedTransport(httpx.WSGITransport(app=app), max_response_bytes())
    with httpx.Client(transport=transport, base_url=WSGI_BASE_URL) as http:
        yield http


@pytest.fixture
def limited_hub(
    hub_backend: str, client: httpx.Client, pytestconfig: pytest.Config,
    request: pytest.FixtureRequest,
) -> Iterator[LimitedHub]:
    """A hub with a rate limit: in-process, one started with TEST_RATE_LIMIT; over HTTP, the
    hub under test with the limit --rate-limit names (skipped without one)."""
    if hub_backend == "flask":
        limit, period = parse_rate_limit(TEST_RATE_LIMIT)
        yield LimitedHub(request.getfixturevalue("_limited_flask_client"), limit, period)
    elif hub_backend == "django":
        from django.test import override_settings

        limit, period = parse_rate_limit(TEST_RATE_LIMIT)
        with override_settings(HUB_RATE_LIMIT=TEST_RATE_LIMIT):
            yield LimitedHub(client, limit, period)
    else:
        given = pytestconfig.getoption("rate_limit") or os.environ.get("HUB_RATE_LIMIT", "")
        rate = parse_rate_limit(given)
        if rate is None:
            pytest.skip(
                "start the hub with HUB_RATE_LIMIT=60/minute and pass --rate-limit 60/minute "
                "(or set HUB_RATE_LIMIT for the tests too): the suite cannot see the hub's limit"
            )
        yield LimitedHub(client, *rate)


@pytest.fixture
def limited_device(
    limited_hub: LimitedHub, admin_headers: dict[str, str], hub_app: Any,
    request: pytest.FixtureRequest,
) -> Iterator[Callable[[], Device]]:
    """A factory of fresh devices on the limited hub (deleted after the test over HTTP)."""
    made: list[Device] = []

    def make() -> Device:
        try:
            made.append(create_device(limited_hub.client, admin_headers))
        except AssertionError as error:
            prerequisite_failed(request.node, error, DEVICES_STAGE, "registering a device")
        return made[-1]

    yield make
    if hub_app is None:
        for each in made:
            limited_hub.client.delete(each.url, headers=admin_headers)


def post_reading(
    hub: LimitedHub, device: Device, value: float, sensor: str = "temperature"
) -> httpx.Response:
    """Post one reading with the device's key; return the response."""
    body = {"sensor": sensor, "value": value, "unit": "C"}
    return hub.client.post(f"{device.url}/readings", json=body, headers=device.headers)


def use_up(hub: LimitedHub, device: Device) -> None:
    """Make exactly as many requests as the limit allows; each must succeed."""
    for n in range(hub.limit):
        response = post_reading(hub, device, 20 + n / 10)
        if response.status_code == 429:
            raise AssertionError(
                f"request {n + 1} of {hub.limit} was refused already: the limit is "
                f"{hub.limit} requests per {hub.period} s, so these must all pass\n"
                f"{response.status_code} {response.text[:300]}"
            )
        expect(response, 201)


def retry_after_of(response: httpx.Response, period: int) -> int:
    """The Retry-After header of a 429: whole seconds, from 1 to the window's length."""
    value = response.headers.get("Retry-After")
    assert value is not None, "a 429 must say when to try again in the header Retry-After"
    assert value.isdigit(), f"Retry-After must be whole seconds, like '42', not {value!r}"
    assert 1 <= int(value) <= period, (
        f"Retry-After is {value}, but the window is {period} s: wait at least 1 s and at "
        f"most {period} s"
    )
    return int(value)


# --------------------------------------------------------------------------------------------
# the bounded client: no answer is read past a limit, decompressed
# --------------------------------------------------------------------------------------------


class ResponseRefused(AssertionError):
    """The client would not read a hub's answer: too large, or in an encoding it refuses.

    An AssertionError, so the test that sent the request fails (or, for a later stage's
    set-up, is skipped) like any other wrong answer, and the run goes on.
    """


def max_response_bytes() -> int:
    """How much of one answer the client reads: $HUB_CONTRACT_MAX_RESPONSE_BYTES or 4 MiB."""
    value = os.environ.get("HUB_CONTRACT_MAX_RESPONSE_BYTES", "").strip()
    if not value:
        return MAX_RESPONSE_BYTES
    if not value.isdigit() or int(value) < 1:
        raise pytest.UsageError(
            f"HUB_CONTRACT_MAX_RESPONSE_BYTES={value!r}: give a whole number of bytes, "
            f"e.g. {MAX_RESPONSE_BYTES}"
        )
    return int(value)


def size_text(size: int) -> str:
    """A byte count as people say it: 4 MiB, 512 KiB, 1000 bytes."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift and size % (1 << shift) == 0:
            return f"{size >> shift} {unit}"
    return f"{size} bytes"


class BoundedTransport(httpx.BaseTransport):
    """Wraps the real transport (WSGI in-process, or HTTP) and reads every answer itself.

    It streams the raw body (``iter_raw``) through its own decoder, at most ``limit`` bytes
    in and out, and hands the client a response that is already read and decoded (so the
    answer's Content-Encoding and Content-Length are dropped: Content-Length is the decoded
    size). httpx's own decoders inflate a chunk without a bound, so a 4.7 MB gzip bomb would
    take gigabytes before any check could run.
    """

    def __init__(self, inner: httpx.BaseTransport, limit: int) -> None:
        self.inner, self.limit = inner, limit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request with the real transport; read the answer within the limit."""
        response = self.inner.handle_request(request)
        try:
            body = read_bounded(response, request, self.limit)
        finally:
            response.close()
        headers = [(name, value) for name, value in response.headers.multi_items()
                   if name.lower() not in ("content-encoding", "content-length")]
        return httpx.Response(response.status_code, headers=headers, content=body,
                              extensions=response.extensions)

    def close(self) -> None:
        """Close the real transport."""
        self.inner.close()


def read_bounded(response: httpx.Response, request: httpx.Request, limit: int) -> bytes:
    """The answer's body, decoded; ResponseRefused past `limit` bytes or for a bad encoding."""
    what = f"{request.method} {request.url.raw_path.decode('ascii', 'replace')} answered " \
           f"{response.status_code}"
    codings = [c.strip().lower() for value in response.headers.get_list("content-encoding")
               for c in value.split(",") if c.strip().lower() not in ("", "identity")]
    if len(codings) > 1:
        raise ResponseRefused(
            f"the response has more than one Content-Encoding ({', '.join(codings)}): {what}; "
            "the contract's client takes at most one (gzip or deflate)"
        )
    coding = codings[0] if codings else "identity"
    if coding not in _DECODERS:
        raise ResponseRefused(
            f"the response's Content-Encoding {coding!r} is not one the client takes "
            f"(gzip, deflate or none): {what}"
        )
    too_large = ResponseRefused(
        f"the response was larger than {size_text(limit)}: {what} with more than {limit} "
        f"bytes{'' if coding == 'identity' else f' once {coding}-decoded'}; no answer of "
        "the contract needs that much"
    )
    decoder, body, received = _DECODERS[coding](), bytearray(), 0
    try:
        for raw in response.iter_raw():
            received += len(raw)
            if received > limit:
                raise too_large
            for piece in decoder.feed(raw, limit - len(body)):
                body += piece
                if len(body) > limit:
                    raise too_large
        for piece in decoder.finish(limit - len(body)):
            body += piece
            if len(body) > limit:
                raise too_large
    except zlib.error as error:
        raise ResponseRefused(f"the response's {coding} body is corrupt ({error}): {what}") \
            from None
    return bytes(body)


class _Identity:
    """No Content-Encoding: the bytes as they came."""

    def feed(self, data: bytes, room: int) -> Iterator[bytes]:
        yield data

    def finish(self, room: int) -> Iterator[bytes]:
        yield from ()


class _Inflate:
    """gzip (wbits 31) or deflate (zlib-wrapped, else raw, as httpx and browsers accept).

    Each call inflates at most ``room + 1`` bytes at a time (``max_length``), so the caller
    sees "too large" after at most one byte too many, whatever the ratio of the input.
    """

    def __init__(self, wbits: int) -> None:
        self.wbits, self.first = wbits, True
        self.inflater = zlib.decompressobj(wbits)

    def feed(self, data: bytes, room: int) -> Iterator[bytes]:
        if self.first and self.wbits == zlib.MAX_WBITS:
            self.first = False
            try:  # deflate: zlib-wrapped, as the RFC says; many servers send it raw
                zlib.decompressobj(zlib.MAX_WBITS).decompress(data[:64], 1)
            except zlib.error:
                self.wbits = -zlib.MAX_WBITS
                self.inflater = zlib.decompressobj(self.wbits)
        yield from self._drain(data, room)

    def finish(self, room: int) -> Iterator[bytes]:
        yield from self._drain(b"", room)
        yield self.inflater.flush()

    def _drain(self, data: bytes, room: int) -> Iterator[bytes]:
        """Inflate data and whatever the inflater still holds, room + 1 bytes at a time."""
        while True:
            out = self.inflater.decompress(data, room + 1)
            data = self.inflater.unconsumed_tail
            if self.inflater.eof and self.inflater.unused_data:  # another gzip member
                data = self.inflater.unused_data + data
                self.inflater = zlib.decompressobj(self.wbits)
            yield out
            room -= len(out)
            if room < 0 or (not out and not data):
                return


_DECODERS: dict[str, Callable[[], Any]] = {
    "identity": _Identity,
    "gzip": lambda: _Inflate(zlib.MAX_WBITS | 16),
    "x-gzip": lambda: _Inflate(zlib.MAX_WBITS | 16),
    "deflate": lambda: _Inflate(zlib.MAX_WBITS),
}


@pytest.fixture(scope="session")
def admin_headers(admin_token: str) -> dict[str, str]:
    """The Authorization header of the admin."""
    return {"Authorization": f"Bearer {admin_token}"}


@dataclass(frozen=True)
class Device:
    """A device created for one test: its id, its key and its URLs."""

    id: str
    api_key: str
    name: str
    kind: str

    @property
    def url(self) -> str:
        """The device's own URL."""
        return f"{API}/devices/{self.id}"

    @property
    def headers(self) -> dict[str, str]:
        """The X-API-Key header of this device."""
        return {"X-API-Key": self.api_key}


def new_device_id(prefix: str = "t") -> str:
    """A fresh device id, unique across runs, so tests never meet each other's devices."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def create_device(
    client: httpx.Client,
    admin_headers: dict[str, str],
    *,
    name: str = "Test device",
    kind: str = "arduino-uno",
    device_id: str | None = None,
) -> Device:
    """Create a device through the API and return it with its key."""
    device_id = device_id or new_device_id()
    body = {"id": device_id, "name": name, "kind": kind}
    created = expect(client.post(f"{API}/devices", json=body, headers=admin_headers), 201)
    return Device(id=created["id"], api_key=created["api_key"], name=name, kind=kind)


def prerequisite_failed(
    node: pytest.Item, error: AssertionError, stage: int, doing: str
) -> NoReturn:
    """Say that `doing` (a step of `stage`) failed before this test could start.

    A test of a later stage is skipped, with a reason naming the stage to finish first; a
    test of that same stage fails in one paragraph (its own stage is what is missing).
    """
    message = str(error)
    answer = hubguide.parse_answer(message)
    if answer is not None and message.startswith("expected status"):
        what = f"{doing} answered {answer.status}" + (f" {answer.code}" if answer.code else "")
        said = answer.summary()
    else:
        what = said = f"{doing} failed ({hubguide.what_happened(message)})"
    test_stage = stage_of(node)
    if test_stage is not None and test_stage > stage:
        pytest.skip(needs_stage(stage, what))
    pytest.fail(f"this test could not start: {said}\n\n{message}", pytrace=False)


@pytest.fixture
def device(
    client: httpx.Client,
    admin_headers: dict[str, str],
    hub_app: Any,
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., Device]]:
    """A factory: device(name=..., kind=...) creates a fresh device.

    Over HTTP the devices are deleted after the test, so a long-lived hub does not fill up;
    in-process the whole database goes at the end of the run. When registering fails, a test
    of a stage after DEVICES_STAGE is skipped (see prerequisite_failed); a test of that stage
    fails with the hub's answer, as it checks registering itself.
    """
    made: list[Device] = []

    def make(**fields: Any) -> Device:
        __tracebackhide__ = True
        try:
            made.append(create_device(client, admin_headers, **fields))
        except AssertionError as error:
            if (stage_of(request.node) or 0) <= DEVICES_STAGE:
                raise
            prerequisite_failed(request.node, error, DEVICES_STAGE, "registering a device")
        return made[-1]

    yield make
    if hub_app is None:
        for each in made:
            client.delete(each.url, headers=admin_headers)


@pytest.fixture(scope="session")
def shared_device_or_error(
    client: httpx.Client, admin_headers: dict[str, str], hub_app: Any
) -> Iterator[Device | AssertionError]:
    """The one shared device of the run, or why it could not be registered.

    The error is returned, not raised: pytest would replay a raised error to every test
    that asks, whatever its stage; `shared_device` decides per test what it means.
    """
    try:
        made = create_device(client, admin_headers, device_id=new_device_id("shared"))
    except AssertionError as error:
        yield error
        return
    yield made
    if hub_app is None:
        client.delete(made.url, headers=admin_headers)


@pytest.fixture
def shared_device(
    shared_device_or_error: Device | AssertionError, request: pytest.FixtureRequest
) -> Device:
    """One device for tests whose requests are all refused, so they store nothing in it."""
    if isinstance(shared_device_or_error, AssertionError):
        prerequisite_failed(
            request.node, shared_device_or_error, DEVICES_STAGE, "registering a device"
        )
    return shared_device_or_error


# --------------------------------------------------------------------------------------------
# the OpenAPI document: every successful body is checked against it
# --------------------------------------------------------------------------------------------


@cache
def openapi() -> dict[str, Any]:
    """The contract, parsed."""
    return yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))


@cache
def _validator(pointer: str) -> Callable[[Any], list[tuple[list, str]]]:
    """A JSON Schema 2020-12 check, formats included, for the schema at pointer."""
    ref = {"$ref": f"{OPENAPI_URI}#{quote(pointer, safe='/~')}"}
    if jsonschema_rs is not None:
        registry = jsonschema_rs.Registry([(OPENAPI_URI, openapi())])
        fast = jsonschema_rs.Draft202012Validator(ref, registry=registry, validate_formats=True)
        return lambda body: [(e.instance_path, e.message) for e in fast.iter_errors(body)]
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resource(OPENAPI_URI, DRAFT202012.create_resource(openapi()))
    slow = Draft202012Validator(
        ref, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return lambda body: [(list(e.absolute_path), e.message) for e in slow.iter_errors(body)]


@cache
def _routes() -> list[tuple[re.Pattern[str], str]]:
    """Each path template of the document as a regular expression."""
    routes = []
    for template in openapi()["paths"]:
        pattern = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template))
        routes.append((re.compile(f"^{pattern}$"), template))
    return routes


def _pointer(*parts: str) -> str:
    """A JSON pointer made of the given keys."""
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _resolve(node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
    """Follow a local $ref of a response object; return the node and where it lives."""
    ref = node.get("$ref")
    if ref is None:
        return node, pointer
    target: Any = openapi()
    for key in ref.removeprefix("#/").split("/"):
        target = target[key.replace("~1", "/").replace("~0", "~")]
    return target, ref.removeprefix("#")


def schema_pointer(method: str, path: str, status: int) -> str:
    """Where the schema of this response lives in the document, or why there is none."""
    template = next((t for rx, t in _routes() if rx.match(path)), None)
    if template is None:
        raise AssertionError(f"{method} {path} is not a path of the contract")
    operation = openapi()["paths"][template].get(method.lower())
    if operation is None:
        raise AssertionError(f"{method} is not a method of {template} in the contract")
    response = operation["responses"].get(str(status))
    if response is None:
        documented = ", ".join(operation["responses"])
        raise AssertionError(
            f"{method} {template} never answers {status} (it answers {documented})"
        )
    node, where = _resolve(
        response, _pointer("paths", template, method.lower(), "responses", str(status))
    )
    if "content" not in node:
        return ""
    return where + _pointer("content", "application/json", "schema")


def schema_errors(pointer: str, body: Any) -> list[str]:
    """What is wrong with body against the schema at pointer in the document."""
    errors = _validator(pointer)(body)
    return [f"at {'/'.join(map(str, path)) or '(top)'}: {message}" for path, message in errors]


# --------------------------------------------------------------------------------------------
# assertion helpers
# --------------------------------------------------------------------------------------------


def describe(response: httpx.Response) -> str:
    """The request and the response, briefly, for a failure message."""
    text = response.text
    if len(text) > 800:
        text = text[:800] + f"... ({len(text)} characters)"
    request = response.request
    return (
        f"{request.method} {request.url.raw_path.decode('ascii', 'replace')} answered "
        f"{response.status_code}\n  content-type: {response.headers.get('content-type')}\n"
        f"  body: {text or '(empty)'}"
    )


def json_body(response: httpx.Response) -> Any:
    """The response's JSON body; fails with a clear message when it is not JSON."""
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith("application/json"):
        raise AssertionError(f"the response must be JSON (application/json)\n{describe(response)}")
    try:
        return response.json()
    except ValueError as error:
        raise AssertionError(
            f"the body is not valid JSON ({error})\n{describe(response)}"
        ) from None


def expect(response: httpx.Response, status: int) -> Any:
    """Check the status and the body's shape against the contract; return the parsed body."""
    __tracebackhide__ = True
    if response.status_code != status:
        raise AssertionError(f"expected status {status}\n{describe(response)}")
    pointer = schema_pointer(response.request.method, response.request.url.path, status)
    if not pointer:
        if response.content:
            raise AssertionError(f"a {status} answer has no body\n{describe(response)}")
        return None
    body = json_body(response)
    problems = schema_errors(pointer, body)
    if problems:
        raise AssertionError(
            "the body does not match the contract (openapi.yaml):\n  "
            + "\n  ".join(problems[:8])
            + f"\n{describe(response)}"
        )
    return body


def assert_error(
    response: httpx.Response, status: int | tuple[int, ...], code: str | tuple[str, ...]
) -> dict:
    """Check an error answer: its status, the envelope's shape and its code; return error.

    status and code may be tuples when the contract allows more than one answer.
    """
    __tracebackhide__ = True
    statuses = (status,) if isinstance(status, int) else tuple(status)
    codes = (code,) if isinstance(code, str) else tuple(code)
    wanted = " or ".join(repr(c) for c in codes)
    if response.status_code not in statuses:
        expected = " or ".join(map(str, statuses))
        raise AssertionError(f"expected status {expected} with code {wanted}\n{describe(response)}")
    body = json_body(response)
    problems = schema_errors("/components/schemas/Error", body)
    if problems:
        raise AssertionError(
            'errors must look like {"error": {"code": ..., "message": ..., "details": ...}}:\n  '
            + "\n  ".join(problems[:8])
            + f"\n{describe(response)}"
        )
    error = body["error"]
    if error["code"] not in codes:
        raise AssertionError(
            f"expected error code {wanted}, got {error['code']!r}\n{describe(response)}"
        )
    if STATUS_OF_CODE[error["code"]] != response.status_code:
        raise AssertionError(
            f"the code {error['code']!r} goes with status {STATUS_OF_CODE[error['code']]}, "
            f"not {response.status_code}\n{describe(response)}"
        )
    return error


def post_raw(
    client: httpx.Client,
    url: str,
    content: bytes | str,
    *,
    headers: dict[str, str] | None = None,
    content_type: str | None = "application/json",
) -> httpx.Response:
    """POST a body exactly as given (for bodies json= would refuse to build)."""
    sent = dict(headers or {})
    if content_type is not None:
        sent["Content-Type"] = content_type
    return client.post(url, content=content, headers=sent)


def parse_time(text: str) -> datetime:
    """A timestamp of the hub, which must carry an offset, as an aware datetime."""
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None, f"timestamp {text!r} has no UTC offset"
    return value


def assert_utc(text: str) -> datetime:
    """Check that a timestamp of the hub is given in UTC; return it parsed."""
    value = parse_time(text)
    assert value.utcoffset().total_seconds() == 0, f"timestamp {text!r} is not in UTC"
    return value


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def iso(value: datetime) -> str:
    """A datetime as ISO 8601 with its offset."""
    return value.isoformat()


def close_to(a: float | None, b: float) -> bool:
    """Whether two numbers agree to within rounding."""
    return a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
