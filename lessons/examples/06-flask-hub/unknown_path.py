"""An unknown path and a wrong method: in the starter as you get it, then in the finished hub."""

import contextlib
import io

from lesson_hub import checkpoint_hub, finished_hub, show

print("The starter as you get it:")
with checkpoint_hub(0) as hub:
    log = io.StringIO()  # the server's log: Flask writes each traceback there
    with contextlib.redirect_stderr(log):
        show(hub.get("/api/v1/nothing-here"))
    print("    the log's last line:", log.getvalue().splitlines()[-1])

print("The finished hub:")
with finished_hub() as hub:
    show(hub.get("/api/v1/nothing-here"))
    wrong_method = hub.put("/api/v1/devices")
    show(wrong_method)
    print("    Allow:", ", ".join(sorted(wrong_method.headers["Allow"].split(", "))))
    print("    Content-Type:", wrong_method.headers["Content-Type"])
