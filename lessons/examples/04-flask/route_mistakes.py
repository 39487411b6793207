"""Three ways a route and a request miss each other: no leading slash, wrong path, wrong method."""

from flask import Flask

# --8<-- [start:slash]
app = Flask(__name__)

try:
    @app.get("api/v1/health")  # forgot the leading /
    def health():
        return {"status": "ok"}
except ValueError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:slash]

# --8<-- [start:ask]
app = Flask(__name__)


@app.get("/api/v1/health")
def health():
    return {"status": "ok"}


client = app.test_client()
for path in ["/api/v1/health", "/api/v1/health/", "/api/v1/helth"]:
    print("GET ", path, "->", client.get(path).status)

response = client.post("/api/v1/health")
print("POST", "/api/v1/health", "->", response.status)
print("Allow:", ", ".join(sorted(response.allow)))  # the methods this path accepts
print(response.text)
# --8<-- [end:ask]
