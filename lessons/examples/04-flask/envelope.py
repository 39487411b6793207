"""Flask's own errors (404, 405, 415, 400) in the contract's envelope instead of HTML pages."""

from validate import app, error_body
from werkzeug.exceptions import HTTPException


# --8<-- [start:handler]
@app.errorhandler(HTTPException)
def handle_http_exception(error):
    """Answer an error that Flask raised itself with the envelope, not an HTML page."""
    code = error.name.lower().replace(" ", "_")  # "Method Not Allowed" -> "method_not_allowed"
    return error_body(code, error.description), error.code
# --8<-- [end:handler]


# --8<-- [start:ask]
client = app.test_client()
url = "/api/v1/devices/kitchen/readings"
responses = [
    client.get("/api/v1/devices/kitchen"),  # no such route
    client.get(url),  # the route takes POST only
    client.post(url, data='{"sensor": "temperature", "value": 21.5}'),  # no Content-Type
    client.post(url, data='{"sensor": "temp', content_type="application/json"),  # broken JSON
]
for response in responses:
    print(response.status_code, response.get_json()["error"]["code"])
print(responses[2].get_json())
# --8<-- [end:ask]
