"""The health check with no framework: a bare WSGI function, the baseline."""

import json


def application(environ, start_response):
    """Answer GET /api/v1/health; anything else is 404."""
    if environ["PATH_INFO"] != "/api/v1/health":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    body = json.dumps({"status": "ok", "framework": "none"}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response("200 OK", headers)
    return [body]
