"""Exercise 3: a limit of 3 a minute, and requests at 0, 10, 20, 30, 59, 60 and 61 s."""

import sys

sys.path.insert(0, "starter/flask")
from hub.limits import RateLimiter  # noqa: E402

now = 0.0
limiter = RateLimiter(3, 60, clock=lambda: now)
for now in [0, 10, 20, 30, 59, 60, 61]:
    wait = limiter.hit("kitchen")
    print(f"t={now:>2} s  ->", "allowed" if wait == 0 else f"429, Retry-After: {wait}")
