"""Flask-only checks: the configuration and the ``flask`` commands (init-db, create-device).

The API itself is checked by the contract tests; these cover what only the Flask hub has.
The configuration tests pass from the start; ``create-device`` stores the device with your
``register_device()`` (stage 1), and its key is tried by posting a reading (stage 2).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

STARTER = Path(__file__).resolve().parents[1]


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The ``hub`` package of this starter, importable whatever the current directory."""
    monkeypatch.syspath_prepend(str(STARTER))
    for name in ("HUB_ADMIN_TOKEN", "DATABASE_URL", "HUB_MAX_BODY_BYTES", "HUB_ENV"):
        monkeypatch.delenv(name, raising=False)
    import hub

    assert Path(hub.__file__).resolve().parent == STARTER / "hub", "another hub was imported"
    return hub


@pytest.fixture
def app(hub: Any, tmp_path: Path) -> Iterator[Any]:
    """A hub with a fresh SQLite database in a temporary directory."""
    app = hub.create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}"})
    yield app


@pytest.fixture
def runner(app: Any) -> Any:
    """A click runner for the app's ``flask`` commands."""
    return app.test_cli_runner()


def count_devices(app: Any) -> int:
    """How many devices the database holds."""
    from hub.db import db
    from hub.models import Device
    from sqlalchemy import func, select

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Device))


def test_create_app_reads_the_environment(hub: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """HUB_ADMIN_TOKEN and HUB_MAX_BODY_BYTES come from the environment; config overrides."""
    monkeypatch.setenv("HUB_ADMIN_TOKEN", "from-env")
    monkeypatch.setenv("HUB_MAX_BODY_BYTES", "2048")
    app = hub.create_app({"DATABASE_URL": "sqlite://", "HUB_MAX_BODY_BYTES": "4096"})
    assert app.config["HUB_ADMIN_TOKEN"] == "from-env"
    assert app.config["HUB_MAX_BODY_BYTES"] == 4096


def test_admin_token_defaults_to_the_dev_token(hub: Any) -> None:
    """Without HUB_ADMIN_TOKEN the development default is the admin token."""
    app = hub.create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["HUB_ADMIN_TOKEN"] == hub.DEV_ADMIN_TOKEN == "dev-admin-token"


@pytest.mark.parametrize("token", [None, "dev-admin-token", ""])
def test_production_refuses_the_dev_token(hub: Any, token: str | None) -> None:
    """HUB_ENV=production does not start with no admin token or the development default."""
    config: dict[str, Any] = {"HUB_ENV": "production", "DATABASE_URL": "sqlite://"}
    if token is not None:
        config["HUB_ADMIN_TOKEN"] = token
    with pytest.raises(hub.ConfigError, match="HUB_ADMIN_TOKEN"):
        hub.create_app(config)


def test_production_starts_with_a_real_token(hub: Any) -> None:
    """HUB_ENV=production starts when the admin token is a real secret."""
    app = hub.create_app(
        {"HUB_ENV": "production", "HUB_ADMIN_TOKEN": "s3cret-token", "DATABASE_URL": "sqlite://"}
    )
    assert (app.config["HUB_ENV"], app.config["HUB_ADMIN_TOKEN"]) == ("production", "s3cret-token")


def test_bad_max_body_bytes_is_refused(hub: Any) -> None:
    """A HUB_MAX_BODY_BYTES that is not a number stops the hub with a clear message."""
    with pytest.raises(hub.ConfigError, match="HUB_MAX_BODY_BYTES"):
        hub.create_app({"HUB_MAX_BODY_BYTES": "lots", "DATABASE_URL": "sqlite://"})


def test_postgres_scheme_is_normalised(hub: Any) -> None:
    """The postgres:// spelling some hosts give becomes SQLAlchemy's postgresql://."""
    assert hub.normalise_database_url("postgres://u:p@h/db") == "postgresql://u:p@h/db"
    assert hub.normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_init_db_creates_the_tables(app: Any, runner: Any) -> None:
    """``flask init-db`` reports the database and leaves the tables usable."""
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Initialised the database" in result.output
    assert count_devices(app) == 0


def test_create_device_prints_a_working_key(app: Any, runner: Any) -> None:
    """``flask create-device`` stores the device and prints a key the API accepts."""
    result = runner.invoke(args=["create-device", "kitchen", "--name", "Kitchen Uno"])
    assert result.exit_code == 0, result.output
    key = result.output.split("API key (shown only now): ")[1].strip()
    response = app.test_client().post(
        "/api/v1/devices/kitchen/readings",
        json={"sensor": "temperature", "value": 21.5},
        headers={"X-API-Key": key},
    )
    assert response.status_code == 201, response.json


def test_create_device_refuses_a_taken_id(app: Any, runner: Any) -> None:
    """A second device with the same id is refused with an error exit."""
    assert runner.invoke(args=["create-device", "kitchen", "--name", "A"]).exit_code == 0
    result = runner.invoke(args=["create-device", "kitchen", "--name", "B"])
    assert result.exit_code != 0
    assert "exists already" in result.output
    assert count_devices(app) == 1


def test_create_device_refuses_a_bad_id(app: Any, runner: Any) -> None:
    """An id that is not a slug is refused before anything is stored."""
    result = runner.invoke(args=["create-device", "Not A Slug", "--name", "X"])
    assert result.exit_code == 2
    assert count_devices(app) == 0


def test_init_db_drop_deletes_everything(app: Any, runner: Any) -> None:
    """``flask init-db --drop`` asks first, then starts over with empty tables."""
    runner.invoke(args=["create-device", "kitchen", "--name", "Kitchen"])
    assert runner.invoke(args=["init-db", "--drop"], input="n\n").exit_code == 1
    assert count_devices(app) == 1
    result = runner.invoke(args=["init-db", "--drop"], input="y\n")
    assert result.exit_code == 0, result.output
    assert count_devices(app) == 0


def test_sqlite_connections_use_wal_and_foreign_keys(app: Any) -> None:
    """Each SQLite connection has WAL, foreign keys on and a busy timeout."""
    from hub.db import db
    from sqlalchemy import text

    with app.app_context():
        pragma = {
            name: db.session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000}
