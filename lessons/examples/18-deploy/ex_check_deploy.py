"""Exercise 3: check --deploy on settings for a hub behind an HTTPS proxy (prod_https.py)."""

from deploying import PYTHON, REPO, run

PRODUCTION = {
    "HUB_ENV": "production",
    "DJANGO_SECRET_KEY": "k3y-0f-f1fty-r4nd0m-ch4r4ct3rs-n0t-th1s-0n3-pl34se!",
    "HUB_ADMIN_TOKEN": "Zq7-a-long-random-token-from-secrets",
    "DATABASE_URL": "sqlite://",
    "DJANGO_ALLOWED_HOSTS": "hub.example.org",
}
# lessons/examples/18-deploy/prod_https.py, found through PYTHONPATH
settings = {"DJANGO_SETTINGS_MODULE": "prod_https",
            "PYTHONPATH": str(REPO / "lessons" / "examples" / "18-deploy")}
print("$ DJANGO_SETTINGS_MODULE=prod_https python manage.py check --deploy")
print(run([PYTHON, "manage.py", "check", "--deploy"], "django", **PRODUCTION, **settings),
      end="")
