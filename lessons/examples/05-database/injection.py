"""SQL built with f-strings breaks on an apostrophe and obeys a crafted value; ? does not."""

import sqlite3

from schema import sample_database

con = sample_database()


# --8<-- [start:bad]
def add_device_badly(device_id, name):
    sql = f"INSERT INTO devices VALUES ('{device_id}', '{name}')"
    print(sql)
    with con:
        con.execute(sql)


def readings_badly(device_id, sensor):
    sql = (f"SELECT device_id, value FROM readings"
           f" WHERE device_id = '{device_id}' AND sensor = '{sensor}'")
    print(sql)
    return con.execute(sql).fetchall()
# --8<-- [end:bad]


# --8<-- [start:ask-bad]
try:
    add_device_badly("desk", "Ada's desk")
except sqlite3.OperationalError as error:
    print(f"{type(error).__name__}: {error}")

print(readings_badly("kitchen", "temperature"))
print(readings_badly("kitchen", "x' OR 'a' = 'a"))
# --8<-- [end:ask-bad]


# --8<-- [start:good]
def add_device(device_id, name):
    with con:
        con.execute("INSERT INTO devices VALUES (?, ?)", (device_id, name))


def readings_of(device_id, sensor):
    sql = "SELECT device_id, value FROM readings WHERE device_id = ? AND sensor = ?"
    return con.execute(sql, (device_id, sensor)).fetchall()


add_device("desk", "Ada's desk")
print(con.execute("SELECT * FROM devices WHERE id = ?", ("desk",)).fetchone())
print(readings_of("kitchen", "temperature"))
print(readings_of("kitchen", "x' OR 'a' = 'a"))
# --8<-- [end:good]
