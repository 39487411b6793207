"""Without commit(), an insert is lost when the connection closes. `with con:` commits."""

import shutil
import sqlite3
import tempfile
from pathlib import Path

folder = Path(tempfile.mkdtemp())  # a new, empty folder, deleted at the end
path = folder / "hub.db"


def count_readings(path):
    """Open the database file anew, as the next request or program would, and count."""
    other = sqlite3.connect(path)
    (count,) = other.execute("SELECT COUNT(*) FROM readings").fetchone()
    other.close()
    return count


# --8<-- [start:forgot]
con = sqlite3.connect(path)  # path is the file hub.db, in a new, empty folder
con.execute("CREATE TABLE readings (sensor TEXT, value REAL)")
con.execute("INSERT INTO readings VALUES (?, ?)", ("temperature", 21.5))
print("this connection counts:", con.execute("SELECT COUNT(*) FROM readings").fetchone())
print("in a transaction:", con.in_transaction)
print("another connection counts:", count_readings(path))
con.close()  # no commit(): the insert is thrown away
print("after close:", count_readings(path))
# --8<-- [end:forgot]

# --8<-- [start:fix]
con = sqlite3.connect(path)
with con:  # commits at the end of the block; rolls back if an exception leaves it
    con.execute("INSERT INTO readings VALUES (?, ?)", ("temperature", 21.5))
print("in a transaction:", con.in_transaction)
con.close()
print("after close:", count_readings(path))
# --8<-- [end:fix]

shutil.rmtree(folder)
