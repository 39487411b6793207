"""What each hub reads in a DATABASE_URL: the same URL, two readers."""

import dj_database_url  # what the Django hub's settings use
from sqlalchemy import create_engine  # what the Flask hub's Flask-SQLAlchemy uses


# --8<-- [start:parts]
def read_like_flask(url: str) -> dict:
    """The parts SQLAlchemy reads (create_engine does not connect yet)."""
    engine = create_engine(url)
    parts = engine.url
    return {"driver": engine.dialect.driver, "user": parts.username,
            "password": parts.password, "host": parts.host, "port": parts.port,
            "name": parts.database}


def read_like_django(url: str) -> dict:
    """The parts dj-database-url reads into Django's DATABASES setting."""
    parts = dj_database_url.parse(url)
    return {"backend": parts["ENGINE"].rsplit(".", 1)[-1], "user": parts["USER"],
            "password": parts["PASSWORD"], "host": parts["HOST"], "port": parts["PORT"],
            "name": parts["NAME"]}


for url in ("postgresql://hub:s3cret@db.example.org:5432/hub",
            "postgresql://hub:my@pass/word@db.example.org:5432/hub"):  # a password with @ and /
    print(url)
    for hub, parts in (("Flask", read_like_flask(url)), ("Django", read_like_django(url))):
        print(f"  {hub:7}", " ".join(f"{key}={value!r}" for key, value in parts.items()))
# --8<-- [end:parts]
