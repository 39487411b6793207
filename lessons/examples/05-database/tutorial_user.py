"""The User model of Flask-SQLAlchemy's quickstart: a class that is a table."""

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.schema import CreateTable


# --8<-- [start:setup]
class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"  # in memory; "sqlite:///hub.db" for a file
db.init_app(app)
# --8<-- [end:setup]


# --8<-- [start:model]
class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(unique=True)
    email: Mapped[str]
# --8<-- [end:model]


def show_table(model):
    """Print the CREATE TABLE statement that SQLAlchemy sends for a model."""
    sql = str(CreateTable(model.__table__).compile(db.engine))
    print("\n".join(line.rstrip().replace("\t", "    ") for line in sql.strip().splitlines()))


# --8<-- [start:use]
with app.app_context():
    db.create_all()  # CREATE TABLE for every model whose table is missing
    show_table(User)

    db.session.add(User(username="ada", email="ada@example.com"))
    db.session.commit()

    user = db.session.execute(db.select(User).filter_by(username="ada")).scalar_one()
    print(user.id, user.username, user.email)
# --8<-- [end:use]
