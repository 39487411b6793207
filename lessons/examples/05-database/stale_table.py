"""create_all() creates missing tables only: a column added to a model later is not in the table."""

import sqlite3
import tempfile
from pathlib import Path

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


def show(error):
    """Print an error as its type and message, without spaces at the ends of lines."""
    text = f"{type(error).__name__}: {error}"
    print("\n".join(line.rstrip() for line in text.splitlines()))


# --8<-- [start:model]
class Device(db.Model):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    kind: Mapped[str]  # added to the model after hub.db was made
# --8<-- [end:model]


with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "hub.db"
    with sqlite3.connect(path) as con:  # hub.db as an earlier version of the model made it
        con.execute("CREATE TABLE devices (id VARCHAR NOT NULL PRIMARY KEY, name VARCHAR NOT NULL)")
    con.close()

    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    db.init_app(app)
    # --8<-- [start:query]
    with app.app_context():
        db.create_all()  # the table devices exists: nothing to do
        try:
            db.session.scalars(select(Device)).all()
        except OperationalError as error:
            show(error)
    # --8<-- [end:query]
    with app.app_context():
        db.engine.dispose()  # close the file before its folder is deleted
