"""Run test_mini_hub.py with pytest and print one line per test, as `pytest -v` does."""

import contextlib
import io

import pytest
import test_mini_hub  # the tests to run: pytest gets the path of this file


class OneLinePerTest:
    """A pytest plugin: note each test's name and outcome (and why, when it fails)."""

    def __init__(self):
        self.lines = []

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.failed:
            self.lines.append(f"{report.nodeid.split('::')[-1]} {report.outcome.upper()}")
        if report.failed:
            self.lines.append(report.longreprtext)


plugin = OneLinePerTest()
with contextlib.redirect_stdout(io.StringIO()):  # pytest's own report holds times that vary
    exit_code = pytest.main([test_mini_hub.__file__, "-p", "no:cacheprovider"], plugins=[plugin])
print("\n".join(plugin.lines))
print("all passed" if exit_code == 0 else f"pytest exit code {exit_code}")
