"""nbgrader on the course's JupyterHub: where assignments are handed out and handed in.

Where this file goes: /etc/jupyter/nbgrader_config.py on the hub's server, where every
user's nbgrader reads it: the students' (the Assignments tab of their JupyterLab fetches
and submits through it) and the instructors' (`nbgrader release_assignment` and `nbgrader
collect`, run in the course directory).

The exchange is one directory every account on the server can write to; the course has
its folder in it, <exchange>/blink-to-backend/. An assignment travels through it like this:

    release:  <course dir>/release/<assignment>/  ──>  outbound/<assignment>/
    fetch:    outbound/<assignment>/  ──>  ~student/<assignment>/
    submit:   ~student/<assignment>/  ──>  inbound/<student>+<assignment>+<time>+<random>/
    collect:  inbound/, each student's latest  ──>  <course dir>/submitted/<student>/<assignment>/
    feedback: <course dir>/feedback/<student>/<assignment>/  ──>  feedback/<hash>.html
              (`grader feedback ASSIGNMENT --release`; only the student who submitted finds it)

Each submission carries `timestamp.txt` (`2026-12-01 14:03:00.000000 UTC`); the grader's
late policy reads it. tests/test_instructor_configs.py runs that round trip with these
settings.
"""

c = get_config()  # noqa: F821 - nbgrader provides get_config() when it loads this file

# The course, as course.toml names it ([course] id): the folder inside the exchange.
c.CourseDirectory.course_id = "blink-to-backend"

# The exchange: create it once, as root, writable by everyone:
#   mkdir -p /srv/nbgrader/exchange && chmod ugo+rwx /srv/nbgrader/exchange
# Students cannot list inbound/ (nbgrader makes it 0733) and each submission's name ends in
# a random string, so no student can find another's work there.
c.Exchange.root = "/srv/nbgrader/exchange"

# Submission times in UTC, in nbgrader's format: what timestamp.txt holds.
c.Exchange.timezone = "UTC"

# A student may submit as often as they like; `nbgrader collect` takes each student's
# latest submission, also over one collected before (nbgrader's --update, always on). A
# submission after the deadline is then late, and the late policy of course.toml applies.
c.ExchangeCollect.update = True

# Left out of every copy through the exchange: nbgrader's own (checkpoints, compiled
# Python, feedback) and what a project folder may hold that is not the student's work:
# a virtual environment, a git history, JavaScript packages. The grader would refuse a
# submission that large anyway ([grading.intake] in course.toml).
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    ".venv",
    "venv",
    ".git",
    "node_modules",
]
