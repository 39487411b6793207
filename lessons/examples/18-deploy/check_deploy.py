"""Django's deployment checklist, run on the hub's production settings."""

from deploying import PYTHON, run

PRODUCTION = {
    "HUB_ENV": "production",
    "DJANGO_SECRET_KEY": "k3y-0f-f1fty-r4nd0m-ch4r4ct3rs-n0t-th1s-0n3-pl34se!",
    "HUB_ADMIN_TOKEN": "Zq7-a-long-random-token-from-secrets",
    "DATABASE_URL": "sqlite://",
    "DJANGO_ALLOWED_HOSTS": "hub.example.org",
}
print("$ python manage.py check --deploy")
print(run([PYTHON, "manage.py", "check", "--deploy"], "django", **PRODUCTION), end="")
