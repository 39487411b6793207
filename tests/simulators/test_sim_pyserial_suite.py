"""pyserial's own tests, run against the ``loopback`` sketch as if it were a loopback plug.

pyserial's source distribution has ``test/test_high_load.py`` and ``test/test_readline.py``;
each takes the port to test as its first argument (they were written for a serial port
with TX wired to RX, or ``loop://``). We may not commit pyserial's code, so the sdist is
downloaded from the package registry with pip, once per test session (kept in pytest's
cache directory), and each module runs unchanged in a child Python that first imports
``simulators`` (which registers ``sim://``).

The URL: the loopback sketch with no banner (it would be echoed data) and no bootloader
wait (these tests write right after opening the port, before a real Uno would listen), on
the virtual clock (pyserial's timeouts become simulated seconds, so the run is quick and
the same every time).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

PYSERIAL = "pyserial==3.5"
MODULES = {
    "test_high_load.py": "sim://uno?sketch=loopback&banner=0&boot_ms=0&clock=virtual&baud=115200",
    "test_readline.py": "sim://uno?sketch=loopback&banner=0&boot_ms=0&clock=virtual",
}
# Runs a pyserial test module as its own __main__ does (PORT from argv), with sim:// known.
RUNNER = ("import runpy, sys, simulators; sys.argv = sys.argv[1:]; "
          "runpy.run_path(sys.argv[0], run_name='__main__')")


@pytest.fixture(scope="session")
def pyserial_tests(request, tmp_path_factory) -> Path:
    """The ``test`` folder of pyserial's sdist (downloaded once, then cached)."""
    provider = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    cache = (Path(provider.mkdir("pyserial-sdist")) if provider is not None
             else tmp_path_factory.mktemp("pyserial-sdist"))
    tests = cache / "test"
    if not all((tests / name).is_file() for name in MODULES):
        # in a private folder first: two xdist workers may be doing this at once
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            unpack(download_sdist(Path(tmp)), Path(tmp) / "test")
            tests.mkdir(exist_ok=True)
            for name in MODULES:
                os.replace(Path(tmp) / "test" / name, tests / name)
    return tests


def download_sdist(folder: Path) -> Path:
    """``pip download`` pyserial's sdist into ``folder``; skip the test if that fails."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
         "--disable-pip-version-check", PYSERIAL, "-d", str(folder)],
        capture_output=True, text=True, timeout=300)
    assert "No module named pip" not in result.stderr, "this Python has no pip"
    archives = sorted(folder.glob("pyserial-*.tar.gz"))
    if result.returncode != 0 or not archives:
        pytest.skip(f"could not download {PYSERIAL}'s sdist from the package registry "
                    f"(offline?): {result.stderr.strip()[-300:]}")
    return archives[-1]


def unpack(archive: Path, into: Path) -> None:
    """Extract the test modules we run from the sdist into ``into``."""
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            name = Path(member.name)
            if name.parent.name == "test" and name.name in MODULES:
                member.name = name.name
                tar.extract(member, into, filter="data")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_pyserial_suite_passes_on_the_loopback_sketch(pyserial_tests, module):
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", RUNNER, str(pyserial_tests / module),
         MODULES[module]],
        capture_output=True, text=True, timeout=120, cwd=repo)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "\nOK" in report and "Ran 0 tests" not in report, report
