"""Where the Flask hub's work goes: one reading posted, profiled, summed up by package."""

import sys
import tempfile

from profiling import ADMIN, REPO, profile_posts

# --8<-- [start:app]
sys.path.insert(0, str(REPO / "starter" / "flask"))
from hub import create_app  # noqa: E402

with tempfile.TemporaryDirectory() as data:
    token = ADMIN["Authorization"].removeprefix("Bearer ")
    config = {"DATABASE_URL": f"sqlite:///{data}/hub.sqlite3", "HUB_ADMIN_TOKEN": token}
    app = create_app(config)
    profile_posts(app, "One POST of a reading to the Flask hub")
# --8<-- [end:app]
