"""The same aggregates with SQLAlchemy: func.count, func.avg, ..., and group_by."""

from setup_sqla import Reading, db, show_sql, start

app = start()

# --8<-- [start:aggregate]
from sqlalchemy import func, select

with app.app_context():
    query = select(
        func.count(Reading.id).label("count"),
        func.min(Reading.value).label("low"),
        func.max(Reading.value).label("high"),
        func.avg(Reading.value).label("mean"),
    ).where(Reading.device_id == "kitchen", Reading.sensor == "temperature")
    print(db.session.execute(query).one()._asdict())
# --8<-- [end:aggregate]
print()

# --8<-- [start:annotate]
per_sensor = (
    select(Reading.sensor, func.count(Reading.id).label("count"),
           func.avg(Reading.value).label("mean"))
    .where(Reading.device_id == "kitchen")
    .group_by(Reading.sensor)  # one group per sensor
    .order_by(Reading.sensor)
)
with app.app_context():
    for row in db.session.execute(per_sensor):
        print(row._asdict())
show_sql(per_sensor)
# --8<-- [end:annotate]
