"""``GET /api/v1/health``: is the hub up, and which framework serves it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("health", __name__, url_prefix="/api/v1")


# --8<-- [start:view]
@bp.get("/health")
def health() -> dict[str, str]:
    """Answer ``{"status": "ok", "framework": "flask"}``: the hub is up.

    Monitoring and the grader call this first. A view that returns a dictionary is enough:
    Flask turns it into a JSON answer with status 200.
    """
    # --8<-- [end:view]
    ### BEGIN SOLUTION (stage 1)
    # --8<-- [start:health]
    return {"status": "ok", "framework": "flask"}
    # --8<-- [end:health]
    ### END SOLUTION
