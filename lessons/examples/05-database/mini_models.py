"""Device and Reading as Flask-SQLAlchemy models: the hub's two main tables, made small."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


# --8<-- [start:models]
class Device(db.Model):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]

    readings: Mapped[list[Reading]] = relationship(back_populates="device")


class Reading(db.Model):
    __tablename__ = "readings"
    __table_args__ = (UniqueConstraint("device_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    sensor: Mapped[str]
    value: Mapped[float]
    seq: Mapped[int | None]  # "| None": the column may be empty (NULL)
    recorded_at: Mapped[datetime]

    device: Mapped[Device] = relationship(back_populates="readings")
# --8<-- [end:models]


# --8<-- [start:app]
def create_app():
    """Make an app with an empty database in memory, its tables created."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    with app.app_context():
        db.create_all()
    return app
# --8<-- [end:app]


def show_sql(query):
    """Print the SQL that a query stands for, without the spaces at the ends of its lines."""
    print("\n".join(line.rstrip() for line in str(query).splitlines()))
