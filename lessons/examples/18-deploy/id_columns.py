"""The same model, two databases: the SQL that creates the Flask hub's command ids."""

import sys

sys.path.insert(0, "starter/flask")  # the Flask hub's package, hub

from hub.models import Command  # noqa: E402
from sqlalchemy.dialects import postgresql, sqlite  # noqa: E402
from sqlalchemy.schema import CreateColumn  # noqa: E402

# --8<-- [start:columns]
for dialect in (sqlite.dialect(), postgresql.dialect()):
    column = CreateColumn(Command.__table__.c.id).compile(dialect=dialect)
    print(f"{dialect.name:10} {column}")
print(f"a 32-bit INTEGER holds ids up to {2**31 - 1:,}; BIGINT up to {2**63 - 1:,}")
# --8<-- [end:columns]
