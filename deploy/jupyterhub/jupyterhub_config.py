"""JupyterHub for Blink to Backend: the course's students and instructors on one server.

Where this file goes: /etc/jupyterhub/jupyterhub_config.py, with instructors.txt and
students.txt beside it (one username a line, `#` starts a comment). Start the hub as root,
so that it can start each person's JupyterLab as their own Unix account:

    jupyterhub -f /etc/jupyterhub/jupyterhub_config.py

What it sets up:

- who may log in: everyone in the two lists, with their Unix password (JupyterHub's
  default PAM authenticator; put your institution's single sign-on in its place and keep
  the rest);
- two groups, named the way nbgrader names them: `formgrade-blink-to-backend`, the
  instructors, and `nbgrader-blink-to-backend`, the students;
- one role, for the instructors' group: the hub's admin page, and for the students only,
  starting, stopping and opening their JupyterLab (to look at a stuck student's work with
  them);
- everyone's JupyterLab opens in their home directory. Its Assignments tab (nbgrader's
  assignment list) fetches and submits through the exchange that nbgrader_config.py, in
  /etc/jupyter, sets.

Grading does not happen in JupyterHub: `grader grade` runs as root in a terminal, because
its sandbox needs root. The instructors' guide, page "Handing out and collecting", has the
whole set-up.
"""

from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub provides get_config() when it loads this file

#: As course.toml names the course ([course] id); nbgrader_config.py uses the same.
COURSE_ID = "blink-to-backend"
INSTRUCTORS_GROUP = f"formgrade-{COURSE_ID}"
STUDENTS_GROUP = f"nbgrader-{COURSE_ID}"
HERE = Path(__file__).resolve().parent


def read_roster(name: str) -> list[str]:
    """The usernames listed in HERE/name: one a line; blank lines and `#` comments skipped.

    JupyterHub knows every username in lowercase, so the list is lowercased too.
    """
    path = HERE / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: write the usernames in it, one a line, and start the hub again"
        )
    names = []
    for line in path.read_text().splitlines():
        username = line.split("#", 1)[0].strip().lower()
        if username and username not in names:
            names.append(username)
    return names


instructors = read_roster("instructors.txt")
students = read_roster("students.txt")

c.Authenticator.allowed_users = set(instructors) | set(students)
# c.Authenticator.admin_users = {"your-username"}  # every right on the hub, for one person

c.JupyterHub.load_groups = {
    INSTRUCTORS_GROUP: {"users": instructors},
    STUDENTS_GROUP: {"users": students},
}
c.JupyterHub.load_roles = [
    {
        "name": "instructor",
        "description": "See the course's students and start, stop and open their JupyterLab",
        "groups": [INSTRUCTORS_GROUP],
        "scopes": [
            "admin-ui",
            f"list:users!group={STUDENTS_GROUP}",
            f"admin:servers!group={STUDENTS_GROUP}",
            f"access:servers!group={STUDENTS_GROUP}",
        ],
    },
]

c.Spawner.default_url = "/lab"

# The hub's own state, kept out of whatever directory it was started in.
c.JupyterHub.cookie_secret_file = "/srv/jupyterhub/jupyterhub_cookie_secret"
c.JupyterHub.db_url = "sqlite:////srv/jupyterhub/jupyterhub.sqlite"
