"""The whole contract suite against each hub deployed as lesson 18 deploys it, on PostgreSQL.

Each hub runs the way lessons/18-deploy.md runs it in production: its tables made once
(`flask --app wsgi init-db`, `manage.py migrate`), then gunicorn (one worker, as the grader
runs it, so that the rate limit counts in one place), the production settings
(HUB_ENV=production, a real admin token, Django's secret key and allowed hosts, a rate
limit) and DATABASE_URL naming a real PostgreSQL server. The server is a throwaway one
(tests/pgtesting.py: Debian's postgresql, its own temporary directory and free port), so the
test is safe to run beside others under pytest-xdist. Where PostgreSQL cannot be installed
the test is skipped and says why.
"""

from __future__ import annotations

import re
import secrets
import sys

import httpx
import pytest
from hubtesting import REPO, run_pytest
from pgtesting import throwaway_postgres, unavailable_reason

RATE_LIMIT = "60/minute"
"""The hub's HUB_RATE_LIMIT, so that the rate-limit tests run too (the suite asks at least this)."""
# One worker, as the grader runs a hub: the rate limit counts in each process's memory
# (hub/limits.py, DRF's cache), so two workers would let a device through twice as often.
GUNICORN = f"{sys.executable} -m gunicorn --workers 1 --bind 127.0.0.1:{{port}}"
# How each hub is deployed (lesson 18): make the tables once, then hand over to gunicorn.
DEPLOYS = {
    "flask": (
        f"{sys.executable} -m flask --app wsgi init-db && exec {GUNICORN} wsgi:app",
        REPO / "starter" / "flask",
    ),
    "django": (  # gunicorn reads starter/django/gunicorn.conf.py from the current directory
        f"{sys.executable} manage.py migrate --noinput && exec {GUNICORN} config.wsgi:application",
        REPO / "starter" / "django",
    ),
}
# The devices table of each hub, to check that what the hub stores goes to PostgreSQL.
DEVICE_TABLE = {"flask": "devices", "django": "hub_device"}
PROBE = {"id": "postgres-probe", "name": "Stored in PostgreSQL", "kind": "probe"}


@pytest.fixture
def postgres():
    """A throwaway PostgreSQL server with an empty database, stopped and deleted after."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with throwaway_postgres() as server:
        yield server


def production_env(database_url: str) -> dict[str, str]:
    """The environment of a hub in production: lesson 18's checklist, with fresh secrets."""
    return {
        "HUB_ENV": "production",
        "HUB_ADMIN_TOKEN": secrets.token_urlsafe(32),
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",  # what HUB_ENV=production chooses
        "HUB_RATE_LIMIT": RATE_LIMIT,
    }


def counts(output: str) -> dict[str, int]:
    """pytest's closing line as numbers: {'passed': 248, 'failed': 2}."""
    found = {}
    for line in reversed(output.splitlines()):
        if re.search(r"\b\d+ (passed|failed|error|errors|skipped)\b", line) and " in " in line:
            found = {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", line)}
            break
    return found


@pytest.mark.slow
@pytest.mark.parametrize("hub", sorted(DEPLOYS))
def test_contract_suite_passes_on_postgresql(hub, postgres, serve_hub, tmp_path):
    command, cwd = DEPLOYS[hub]
    env = production_env(postgres.url)
    env["HOME"] = str(tmp_path)  # gunicorn 27 keeps a control socket in ~/.gunicorn: one each
    base_url = serve_hub(["sh", "-c", command], cwd, env)
    result = run_pytest(
        ["starter/contract", "--backend", base_url, f"--admin-token={env['HUB_ADMIN_TOKEN']}",
         "--rate-limit", RATE_LIMIT, "-q"],
        timeout=300,
    )
    numbers = counts(result.stdout)
    summary = ", ".join(f"{n} {word}" for word, n in numbers.items()) or "no summary"
    print(f"{hub} hub on {postgres.version.split(' on ')[0]}: {summary}")
    assert result.returncode == 0 and numbers.get("passed", 0) > 0, (
        f"the contract suite failed against the {hub} hub on PostgreSQL ({summary}):\n"
        f"{result.stdout[-20000:]}\n{result.stderr[-5000:]}"
    )
    assert set(numbers) == {"passed"}, f"every contract test must run and pass: {summary}"
    probe = httpx.post(f"{base_url}/api/v1/devices", json=PROBE,
                       headers={"Authorization": f"Bearer {env['HUB_ADMIN_TOKEN']}"})
    assert probe.status_code == 201, probe.text
    stored = postgres.sql(f"select name from {DEVICE_TABLE[hub]} where id = '{PROBE['id']}'")
    assert stored == [(PROBE["name"],)], (
        f"the hub stored a device, but PostgreSQL's table {DEVICE_TABLE[hub]} does not hold it "
        f"({stored}): did the hub read DATABASE_URL?"
    )
