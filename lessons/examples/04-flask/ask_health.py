"""Ask the health app a question through Flask's test client: no server, no port."""

from health_app import app

client = app.test_client()
response = client.get("/api/v1/health")

print(response.status)
print(response.content_type)
print(response.get_json())
