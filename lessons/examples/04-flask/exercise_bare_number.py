"""Exercise 2: a body that is valid JSON but not an object, before and after the fix."""

import validate

url = "/api/v1/devices/kitchen/readings"

# --8<-- [start:before]
client = validate.app.test_client()
print("before:", client.post(url, json=21.5).status)

validate.app.testing = True  # show the exception itself
try:
    client.post(url, json=21.5)
except TypeError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:before]


# --8<-- [start:fix]
def check_reading(body):
    """Say what is wrong with the body of a reading: a list of sentences, empty when fine."""
    if not isinstance(body, dict):
        return ['the body must be a JSON object, such as {"sensor": "temperature", "value": 21.5}']
    problems = []
    for field in ["sensor", "value"]:
        if field not in body:
            problems.append(f"{field} is missing")
    return problems
# --8<-- [end:fix]


validate.check_reading = check_reading  # the view now calls the fixed check
response = client.post(url, json=21.5)
print("after: ", response.status, response.get_json()["error"])
