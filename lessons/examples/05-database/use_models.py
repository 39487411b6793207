"""Add a device and its readings through the models, then query them back."""

from datetime import datetime

from mini_models import Device, Reading, create_app, db, show_sql
from sqlalchemy import select

app = create_app()

# --8<-- [start:add]
with app.app_context():
    kitchen = Device(id="kitchen", name="Kitchen")
    kitchen.readings.append(Reading(sensor="temperature", value=21.5, seq=0,
                                    recorded_at=datetime(2026, 11, 24, 10, 0)))
    kitchen.readings.append(Reading(sensor="humidity", value=40.0, seq=1,
                                    recorded_at=datetime(2026, 11, 24, 10, 0)))
    kitchen.readings.append(Reading(sensor="temperature", value=21.7, seq=2,
                                    recorded_at=datetime(2026, 11, 24, 10, 1)))
    db.session.add(kitchen)  # its readings go with it
    db.session.commit()
# --8<-- [end:add]

# --8<-- [start:query]
with app.app_context():
    query = (
        select(Reading)
        .where(Reading.device_id == "kitchen", Reading.sensor == "temperature")
        .order_by(Reading.recorded_at.desc())
    )
    show_sql(query)
    print()
    for reading in db.session.scalars(query):
        print(reading.recorded_at, reading.value, "from", reading.device.name)

    device = db.session.get(Device, "kitchen")  # find a row by its primary key
    print([reading.sensor for reading in device.readings])
    print(db.session.get(Device, "garage"))
# --8<-- [end:query]
