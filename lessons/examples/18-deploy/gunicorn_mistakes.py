"""Two ways a first `gunicorn` start goes wrong, and what its log says."""

from deploying import PYTHON, gunicorn_log, run

# --8<-- [start:mistakes]
MISTAKES = {
    "no ':app' after the module": (["gunicorn", "wsgi"], {}),
    "production, but no admin token": (["gunicorn", "wsgi:app"], {"HUB_ENV": "production"}),
}
# --8<-- [end:mistakes]

for mistake, (command, variables) in MISTAKES.items():
    print(f"--- {mistake}: $ {' '.join(command)}")
    argv = [PYTHON, "-m", *command, "--bind", "127.0.0.1:0"]  # port 0: any free port
    log = run(argv, "flask", DATABASE_URL="sqlite://", **variables)
    print(gunicorn_log(log))
