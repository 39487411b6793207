"""Commands for the ``flask`` command line (run them from the project directory).

::

    flask --app wsgi init-db                 # create the tables that are missing
    flask --app wsgi init-db --drop          # delete everything and start over
    flask --app wsgi create-device kitchen --name "Kitchen Uno" --kind arduino-uno
    flask --app wsgi serve-dev               # a dev server that prints the admin token
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from werkzeug.serving import run_simple

from .db import init_db
from .devices import register_device
from .errors import APIError
from .schemas import DeviceCreate


@click.command("init-db")
@with_appcontext
@click.option("--drop", is_flag=True, help="Delete every table (and all data) first.")
def init_db_command(drop: bool) -> None:
    """Create the database tables that are missing."""
    if drop:
        click.confirm("Delete every device, reading and command?", abort=True)
    init_db(current_app._get_current_object(), drop=drop)  # type: ignore[attr-defined]
    click.echo(f"Initialised the database at {shown_url(current_app.config['DATABASE_URL'])}.")


@click.command("create-device")
@with_appcontext
@click.argument("device_id")
@click.option("--name", required=True, help="A human name, e.g. 'Kitchen Uno'.")
@click.option("--kind", default="arduino-uno", show_default=True, help="What the board is.")
def create_device_command(device_id: str, name: str, kind: str) -> None:
    """Register a device and print its API key (shown only this once)."""
    try:
        data = DeviceCreate(id=device_id, name=name, kind=kind)
    except ValidationError as error:
        hint = "DEVICE_ID/--name/--kind"
        raise click.BadParameter(error.errors()[0]["msg"], param_hint=hint) from None
    try:
        device, key = register_device(data)
    except APIError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created device {device.id!r}.")
    click.echo(f"API key (shown only now): {key}")


@click.command("serve-dev")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_dev_command(host: str, port: int) -> None:
    """Run the development server, printing the URL and the admin token to use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"Hub (Flask) on http://{host}:{port}/api/v1/health")
    click.echo(f"Database:   {shown_url(app.config['DATABASE_URL'])}")
    click.echo(f"Admin token: {app.config['HUB_ADMIN_TOKEN']}")
    click.echo("  e.g. curl -H 'Authorization: Bearer <token>' ... ; Ctrl+C stops the hub.")
    run_simple(host, port, app, threaded=True)  # what `flask run` does, without the reloader


def shown_url(url: str) -> str:
    """The database URL as a terminal or a log may show it: the password as ***."""
    return make_url(url).render_as_string(hide_password=True)


def init_app(app: Flask) -> None:
    """Register the commands with the app, so ``flask --app wsgi <command>`` finds them."""
    app.cli.add_command(init_db_command)
    app.cli.add_command(create_device_command)
    app.cli.add_command(serve_dev_command)
