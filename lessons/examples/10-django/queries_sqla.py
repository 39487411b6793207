"""The same queries with SQLAlchemy (lesson 5's models): where, order_by, count, only the values."""

from setup_sqla import Reading, db, start

app = start()

# --8<-- [start:queries]
from sqlalchemy import func, select

with app.app_context():
    temperatures = select(Reading).where(Reading.device_id == "kitchen",
                                         Reading.sensor == "temperature")
    for reading in db.session.scalars(temperatures.order_by(Reading.recorded_at.desc())):
        print(f"{reading.recorded_at:%H:%M}", reading.value)
    above = temperatures.where(Reading.value > 21.6)
    print(db.session.scalar(select(func.count()).select_from(above.subquery())), "above 21.6")
    values = temperatures.with_only_columns(Reading.value).order_by(Reading.recorded_at)
    print(list(db.session.scalars(values)))
    print(db.session.scalars(select(Reading).where(Reading.device_id == "attic")).first())
# --8<-- [end:queries]
