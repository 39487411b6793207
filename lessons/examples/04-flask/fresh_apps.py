"""Two apps from the same factory share nothing: a reading posted to one is not in the other."""

from mini_hub import create_app

url = "/api/v1/devices/kitchen/readings"
first = create_app().test_client()
second = create_app().test_client()

print("post to first: ", first.post(url, json={"sensor": "temperature", "value": 21.5}).status)
print("first has:     ", first.get(url).get_json())
print("second has:    ", second.get(url).get_json())
