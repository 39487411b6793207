"""JSON and Python: what json.dumps writes, what json.loads reads back, and a common slip."""

import json

reading = {"sensor": "temperature", "value": 21.5, "unit": None, "ok": True}

text = json.dumps(reading)  # a dictionary -> JSON text
print(text)
print(json.loads(text) == reading)  # JSON text -> the same dictionary again

value = json.loads('{"value": "21.5"}')["value"]  # in quotes: text, not a number
print(value * 2, type(value).__name__)

by_mistake = str(reading)  # how Python prints a dictionary: that is not JSON
print(by_mistake)
try:
    json.loads(by_mistake)
except json.JSONDecodeError as error:
    print(f"{type(error).__name__}: {error}")
