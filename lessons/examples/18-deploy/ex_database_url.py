"""Exercise 2: build a DATABASE_URL from its parts, whatever the password holds."""

# --8<-- [start:import]
from urllib.parse import quote

# --8<-- [end:import]
import dj_database_url
from sqlalchemy.engine import make_url


# --8<-- [start:solution]
def database_url(user: str, password: str, host: str, port: int, name: str) -> str:
    """A postgresql:// URL; quote() writes @ / : # ? % as %40 %2F %3A %23 %3F %25."""
    return f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@{host}:{port}/{name}"


url = database_url("hub", "my@pass/word#1", "db.example.org", 5432, "hub")
print(url)
# --8<-- [end:solution]
flask, django = make_url(url), dj_database_url.parse(url)
print("Flask reads: ", flask.password, flask.host, flask.port, flask.database)
print("Django reads:", django["PASSWORD"], django["HOST"], django["PORT"], django["NAME"])
