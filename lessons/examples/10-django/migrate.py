"""Query a model before its migration ran, then migrate: the tables appear."""

from django.db.utils import OperationalError

from setup_django import start
from show import show_error

start(migrate=False, readings=False)  # Django is set up, the database is empty

# --8<-- [start:before]
from django.core.management import call_command

from homeapp.models import Device

try:
    Device.objects.count()
except OperationalError as error:
    show_error(error)
call_command("showmigrations", "homeapp")  # python manage.py showmigrations homeapp
# --8<-- [end:before]
print()

# --8<-- [start:migrate]
call_command("migrate")  # python manage.py migrate
call_command("showmigrations", "homeapp")
print(Device.objects.count(), "devices")
# --8<-- [end:migrate]
print()

# --8<-- [start:sql]
call_command("sqlmigrate", "homeapp", "0001")  # python manage.py sqlmigrate homeapp 0001
# --8<-- [end:sql]
