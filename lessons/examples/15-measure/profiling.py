"""Profile requests to a hub with cProfile, and sum the profile up by package.

A hub is a WSGI application: a function that a server (gunicorn) calls once per request,
with a dictionary that describes the request (the *environ*). Calling it here the same
way, without a server or a client, leaves only the hub's own work in the profile::

    profile_posts(app, "One POST of a reading to the Flask hub")

cProfile counts every call of every function exactly; the times it measures change from
run to run (and the profiler slows each call down a little). So the listings print calls,
which are the same on every run. Run one with ``--time`` to see the time shares too.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys
import sysconfig
from collections import defaultdict
from pathlib import Path

from werkzeug.test import EnvironBuilder

REPO = Path(__file__).resolve().parents[3]
LIBRARIES = Path(sysconfig.get_paths()["purelib"])
SHOW_TIME = "--time" in sys.argv

# --8<-- [start:groups]
GROUPS = {
    "flask": "Flask and Werkzeug (web)",
    "werkzeug": "Flask and Werkzeug (web)",
    "blinker": "Flask and Werkzeug (web)",  # Flask's signals
    "itsdangerous": "Flask and Werkzeug (web)",  # Flask's signed data
    "flask_wtf": "Flask and Werkzeug (web)",  # the dashboard's CSRF check
    "sqlalchemy": "SQLAlchemy (the ORM)",
    "flask_sqlalchemy": "SQLAlchemy (the ORM)",
    "pydantic": "pydantic (validation)",
    "pydantic_core": "pydantic (validation)",
    "django": "Django (web)",
    "asgiref": "Django (web)",
    "django/db": "Django's ORM",
    "rest_framework": "Django REST framework",
}


def group_of(filename, function):
    """The group of a function, or None for Python's own (standard library, builtins)."""
    path = Path(filename)
    if path.is_relative_to(LIBRARIES):  # an installed package: its folder names it
        parts = path.relative_to(LIBRARIES).parts
        return GROUPS.get("/".join(parts[:2])) or GROUPS.get(parts[0], "other libraries")
    if path.is_relative_to(REPO / "starter"):
        return "the hub's own code"
    if path.is_relative_to(REPO / "lessons") or "_lsprof" in function:
        return "the server (this program)"
    if filename == "~" and "sqlite3." in function:  # a method of sqlite3, written in C
        return "SQLite (the database)"
    return None
# --8<-- [end:groups]


def environ(method, path, *, json=None, headers=None):
    """The WSGI environ of a request, as a server hands it to the app."""
    builder = EnvironBuilder(path=path, method=method, json=json, headers=headers,
                             base_url="http://localhost")
    return builder.get_environ()


def call(app, request):
    """Call a WSGI app with a request's environ, as a server does; return status and body."""
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    body = b"".join(app(dict(request), start_response))
    return statuses[0], body


# --8<-- [start:profile]
def profile(app, requests):
    """Call the app once for each request, under cProfile; return the statistics."""
    profiler = cProfile.Profile()
    for request in requests:
        profiler.enable()
        status, body = call(app, request)
        profiler.disable()
        assert status.startswith("2"), (status, body[:300])
    return pstats.Stats(profiler)
# --8<-- [end:profile]


def owners(stats):
    """For each function, the groups its work belongs to, as parts that add up to 1.

    A function of a group belongs to it. A function of Python's own (``dict.get``,
    ``copy.deepcopy``) works for whoever called it: its calls are shared among its
    callers' groups, in proportion to how often each one called it.
    """
    found = {}

    def owner(function, path=()):
        if function in found:
            return found[function]
        filename, _line, name = function
        group = group_of(filename, name)
        if group is not None:
            found[function] = {group: 1.0}
            return found[function]
        share = defaultdict(float)
        for caller, edge in stats.stats[function][4].items():
            if caller in path or caller == function:  # recursion: the first caller counts
                continue
            for group, part in owner(caller, (*path, function)).items():
                share[group] += part * edge[1]  # edge[1]: how often caller called function
        total = sum(share.values())
        result = {group: part / total for group, part in share.items()}
        if not path:
            found[function] = result or {"Python itself": 1.0}
        return result

    return {function: owner(function) for function in stats.stats}


def by_group(stats):
    """Calls and seconds of each group, the most calls first."""
    totals = defaultdict(lambda: [0.0, 0.0])
    for function, share in owners(stats).items():
        _, calls, own_seconds, _, _ = stats.stats[function]
        for group, part in share.items():
            totals[group][0] += calls * part
            totals[group][1] += own_seconds * part
    return dict(sorted(totals.items(), key=lambda item: -item[1][0]))


def show_groups(stats, title, requests=1):
    """Print the calls of each group in one request, and their share of all calls."""
    groups = by_group(stats)
    calls = sum(c for c, _ in groups.values())
    seconds = sum(s for _, s in groups.values())
    print(f"{title}: {round(calls / requests):,} function calls")
    for group, (group_calls, group_seconds) in groups.items():
        line = f"  {group:28} {round(group_calls / requests):>6,} calls {group_calls / calls:>5.0%}"
        if SHOW_TIME:
            line += f"   {group_seconds / seconds:>5.0%} of the time"
        print(line)


# --8<-- [start:posts]
ADMIN = {"Authorization": "Bearer lesson-admin-token"}
KITCHEN = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}


def profile_posts(app, title):
    """Register the kitchen, post 5 readings to warm up, then profile the next POST."""
    _, body = call(app, environ("POST", "/api/v1/devices", json=KITCHEN, headers=ADMIN))
    key = {"X-API-Key": json.loads(body)["api_key"]}

    def post(seq):
        reading = {"sensor": "temperature", "value": 21.5, "seq": seq}
        url = "/api/v1/devices/kitchen/readings"
        return environ("POST", url, json=reading, headers=key)

    for seq in range(5):  # the first requests fill caches: leave them out
        call(app, post(seq))
    count = 300 if SHOW_TIME else 1  # with --time, many requests: times are noisy
    stats = profile(app, [post(seq) for seq in range(5, 5 + count)])
    show_groups(stats, title, count)
# --8<-- [end:posts]
