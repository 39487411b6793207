"""With the ORM, a replay is an IntegrityError at commit(); then the session needs rollback()."""

from datetime import datetime

from mini_models import Device, Reading, create_app, db
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, PendingRollbackError

app = create_app()


# --8<-- [start:replay]
with app.app_context():
    db.session.add(Device(id="kitchen", name="Kitchen"))
    db.session.add(Reading(device_id="kitchen", sensor="temperature", value=21.5, seq=7,
                           recorded_at=datetime(2026, 11, 24, 10, 0)))
    db.session.commit()

    db.session.add(Reading(device_id="kitchen", sensor="temperature", value=21.5, seq=7,
                           recorded_at=datetime(2026, 11, 24, 10, 0)))  # the same, again
    try:
        db.session.commit()
    except IntegrityError as error:
        print(f"{type(error).__name__}: {error}\n")

    try:
        db.session.scalar(select(func.count(Reading.id)))  # forgot db.session.rollback()
    except PendingRollbackError as error:
        print(f"{type(error).__name__}: {error}\n")

    db.session.rollback()  # forget the failed insert; the session works again
    print("readings:", db.session.scalar(select(func.count(Reading.id))))
# --8<-- [end:replay]
