"""`make lab` starts JupyterLab on the course (here without a browser, on a free port)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import httpx
from hubtesting import REPO, free_port


def test_make_lab_serves_jupyterlab(tmp_path):
    port = free_port()
    options = f"--no-browser --ServerApp.port={port} --IdentityProvider.token=lab-test"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    with open(tmp_path / "lab.log", "w") as log:
        lab = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_OPTS={options}"],
                               cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        deadline, answer = time.monotonic() + 90, None
        while time.monotonic() < deadline and lab.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/lab?token=lab-test", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        output = (tmp_path / "lab.log").read_text()
        assert answer is not None, f"JupyterLab did not answer:\n{output}"
        assert answer.status_code == 200 and "JupyterLab" in answer.text
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(timeout=30)
