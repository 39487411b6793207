"""A join puts each reading beside its device; LEFT JOIN and GROUP BY count per device."""

from schema import sample_database

con = sample_database()

# --8<-- [start:join]
query = """
    SELECT devices.name, readings.sensor, readings.value
    FROM readings JOIN devices ON devices.id = readings.device_id
    WHERE readings.sensor = 'temperature'
    ORDER BY readings.recorded_at, devices.name
"""
for row in con.execute(query):
    print(row)
# --8<-- [end:join]

print()
# --8<-- [start:count]
query = """
    SELECT devices.name, COUNT(readings.id)
    FROM devices LEFT JOIN readings ON readings.device_id = devices.id
    GROUP BY devices.id
    ORDER BY devices.name
"""
for row in con.execute(query):
    print(row)
# --8<-- [end:count]
