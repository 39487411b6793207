"""The twin of setup_django.py: lesson 5's Flask-SQLAlchemy models, the same readings."""

import sys
from pathlib import Path

from sample import DEVICES, READINGS, at

# The models of lesson 5, lessons/examples/05-database/mini_models.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "05-database"))
from mini_models import Device, Reading, create_app, db, show_sql


def start():
    """Make the app (tables created), store the sample, and return the app."""
    app = create_app()
    with app.app_context():
        for device_id, name in DEVICES:
            db.session.add(Device(id=device_id, name=name))
        for device_id, sensor, value, seq, minutes in READINGS:
            db.session.add(Reading(device_id=device_id, sensor=sensor, value=value, seq=seq,
                                   recorded_at=at(minutes).replace(tzinfo=None)))
        db.session.commit()
    return app


__all__ = ["Device", "Reading", "db", "show_sql", "start"]
