"""The Django hub's production settings refuse to start until each secret is set."""

from deploying import PYTHON, run

# --8<-- [start:steps]
STEPS = [  # each step adds one variable to the environment of `manage.py check`
    {"HUB_ENV": "production"},
    {"DJANGO_SECRET_KEY": "k3y-0f-f1fty-r4nd0m-ch4r4ct3rs-n0t-th1s-0n3-pl34se!"},
    {"DJANGO_ALLOWED_HOSTS": "hub.example.org"},
    {"HUB_ADMIN_TOKEN": "dev-admin-token"},
    {"HUB_ADMIN_TOKEN": "Zq7-a-long-random-token-from-secrets"},
]
# --8<-- [end:steps]

variables = {"DATABASE_URL": "sqlite://"}
for step in STEPS:
    variables.update(step)
    said = run([PYTHON, "manage.py", "check"], "django", **variables).strip().splitlines()
    print(f"+ {' '.join(f'{k}={v}' for k, v in step.items())}")
    print(f"  {said[-1]}")
