"""Which shard grades which student: `grader grade ASSIGNMENT --shard I/N`.

A class too big for one machine is graded as N shards, each a separate `grader grade`
run (a Slurm array task, a Kubernetes indexed pod, a terminal), then put back together
with `grader merge`. Shard I of N (I from 1 to N) grades the students whose id falls in
it::

    shard_of("ana", 4)  ->  a number from 1 to 4, the same on every machine, every time

The rule is a stable hash of the student id (SHA-256 of its bytes, modulo N), not
round-robin over the sorted list of submissions. Shards do not start at the same moment
and do not see the same list: a late submission that lands between the start of shard 1
and the start of shard 2 shifts every position after it in a sorted list, so round-robin
would grade some students twice and others never. A student's hash depends on nothing
but their id, so every student is in exactly one shard whatever else is in submitted/.
The price is balance: shards differ in size by chance (with 400 students in 4 shards,
about 100 ± 10 each), which is fine for a batch job.
"""

from __future__ import annotations

import hashlib
import os
import re

from grader.errors import ShardError

__all__ = ["check_shard", "parse_shard", "shard_of"]

_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


def shard_of(student: str, count: int) -> int:
    """The shard (1 to `count`) that grades `student`."""
    if count < 1:
        raise ShardError(f"There must be at least one shard, not {count}.")
    digest = hashlib.sha256(os.fsencode(student)).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def parse_shard(text: str) -> tuple[int, int]:
    """Read ``I/N`` (shard I of N, 1 <= I <= N) as ``(I, N)``."""
    match = _SHARD.fullmatch(text)
    if match is None:
        raise ShardError(f"--shard takes I/N, shard I of N, such as 1/4 or 3/4; not {text!r}.")
    return check_shard((int(match[1]), int(match[2])))


def check_shard(shard: tuple[int, int]) -> tuple[int, int]:
    """Return `shard` if it is a valid (I, N), else raise ShardError saying why."""
    index, count = shard
    if count < 1:
        raise ShardError(f"--shard {index}/{count}: there must be at least one shard (N >= 1).")
    if not 1 <= index <= count:
        raise ShardError(f"--shard {index}/{count}: shards are numbered from 1 to {count}, "
                         f"so I must be one of 1..{count}.")
    return index, count
