"""The Django admin behind gunicorn: the page comes, its style sheet does not."""

import re

import httpx
from deploying import PYTHON, run, serving

PRODUCTION = {
    "HUB_ENV": "production",
    "DJANGO_SECRET_KEY": "k3y-0f-f1fty-r4nd0m-ch4r4ct3rs-n0t-th1s-0n3-pl34se!",
    "HUB_ADMIN_TOKEN": "Zq7-a-long-random-token-from-secrets",
    "DATABASE_URL": "sqlite://",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
}
gunicorn = [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", "127.0.0.1:{port}"]

# --8<-- [start:ask]
with serving(gunicorn, "django", **PRODUCTION) as server:
    page = httpx.get(f"{server.url}/admin/login/")
    style = re.search(r'href="(/static/[^"]+\.css)"', page.text)[1]  # the first style sheet
    print(f"GET /admin/login/ -> {page.status_code}; the page asks for {style}")
    sheet = httpx.get(server.url + style)
    print(f"GET {style} -> {sheet.status_code} {sheet.text}")
# --8<-- [end:ask]

# --8<-- [start:collect]
said = run([PYTHON, "manage.py", "collectstatic", "--noinput", "--dry-run"], "django",
           **PRODUCTION)
print("$ python manage.py collectstatic --dry-run")
print(said.strip().splitlines()[-1])
# --8<-- [end:collect]
