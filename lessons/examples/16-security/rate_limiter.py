"""The hub's RateLimiter, driven by a clock we move by hand."""

import sys

sys.path.insert(0, "starter/flask")
from hub.limits import RateLimiter, parse_rate  # noqa: E402

print(parse_rate("3/minute"), parse_rate("120/hour"), parse_rate("0"))


class FakeClock:
    """A clock that only moves when we say so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


clock = FakeClock()
limiter = RateLimiter(3, 60, clock=clock)
for second in [0, 1, 2, 3, 45, 59.5, 60, 61]:
    clock.now = 1000.0 + second
    print(f"t={second:>4} s  kitchen: wait {limiter.hit('kitchen')}")
print("attic, another key:", limiter.hit("attic"))
