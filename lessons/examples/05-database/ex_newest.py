"""Exercise 2: the newest reading of one sensor of one device, or None, with the ORM."""

from datetime import datetime

from mini_models import Device, Reading, create_app, db
from sqlalchemy import select

app = create_app()
with app.app_context():
    kitchen = Device(id="kitchen", name="Kitchen")
    samples = [("temperature", 21.5, 0), ("humidity", 40.0, 0),
               ("temperature", 21.7, 1), ("humidity", 41.0, 2)]
    for seq, (sensor, value, minute) in enumerate(samples):
        kitchen.readings.append(Reading(sensor=sensor, value=value, seq=seq,
                                        recorded_at=datetime(2026, 11, 24, 10, minute)))
    db.session.add(kitchen)
    db.session.commit()


# --8<-- [start:solution]
def newest_reading(device_id, sensor):
    """Return the newest Reading of this device's sensor, or None when it has none."""
    query = (
        select(Reading)
        .where(Reading.device_id == device_id, Reading.sensor == sensor)
        .order_by(Reading.recorded_at.desc())
        .limit(1)
    )
    return db.session.scalars(query).first()


with app.app_context():
    for sensor in ("temperature", "humidity", "light"):
        reading = newest_reading("kitchen", sensor)
        if reading is None:
            print(sensor, "-> None")
        else:
            print(sensor, "->", reading.value, "at", reading.recorded_at)
# --8<-- [end:solution]
