"""A relationship read in a loop sends one query per device (N+1); a join sends one."""

import textwrap
from datetime import datetime

from mini_models import Device, Reading, create_app, db
from sqlalchemy import event, func, select

app = create_app()
with app.app_context():
    for number, (device_id, name) in enumerate([("attic", "Attic"), ("kitchen", "Kitchen"),
                                                ("porch", "Porch")]):
        device = Device(id=device_id, name=name)
        for seq in range(number * 2):  # the attic has no readings, the porch four
            device.readings.append(Reading(sensor="temperature", value=20.0 + seq, seq=seq,
                                           recorded_at=datetime(2026, 11, 24, 10, seq)))
        db.session.add(device)
    db.session.commit()



def show(statements):
    """Print each SQL statement, wrapped to fit the page."""
    for statement in statements:
        print(textwrap.fill(statement, 88, initial_indent="  ", subsequent_indent="      "))


# --8<-- [start:count]
sent = []  # every SQL statement the app sends to the database


def remember(connection, cursor, statement, parameters, context, executemany):
    sent.append(" ".join(statement.split()))  # on one line


with app.app_context():
    event.listen(db.engine, "before_cursor_execute", remember)
# --8<-- [end:count]

# --8<-- [start:loop]
with app.app_context():
    for device in db.session.scalars(select(Device).order_by(Device.name)):
        print(device.name, len(device.readings))  # device.readings is loaded now: a query
print(len(sent), "queries:")
show(sent)
# --8<-- [end:loop]

print()
sent.clear()
# --8<-- [start:join]
with app.app_context():
    query = (
        select(Device.name, func.count(Reading.id))
        .outerjoin(Device.readings)
        .group_by(Device.id)
        .order_by(Device.name)
    )
    for name, count in db.session.execute(query):
        print(name, count)
print(len(sent), "query:")
show(sent)
# --8<-- [end:join]
