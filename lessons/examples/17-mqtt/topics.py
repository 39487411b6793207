"""Topic names, and the topic filters that match them (+ one level, # every level after)."""

import paho.mqtt.client as mqtt

from mqttkit import topic

print(topic("kitchen", "readings"))
print(topic("attic", "status"))

# --8<-- [start:filters]
TOPICS = ["home/kitchen/readings", "home/attic/readings", "home/kitchen/status"]
FILTERS = ["home/kitchen/readings", "home/+/readings", "home/kitchen/#", "home/#", "+/readings"]

for topic_filter in FILTERS:
    matched = [name for name in TOPICS if mqtt.topic_matches_sub(topic_filter, name)]
    print(f"{topic_filter:22} matches {matched}")
# --8<-- [end:filters]

# --8<-- [start:mistakes]
for device_id in ["living room/2", "+"]:
    try:
        topic(device_id, "readings")
    except ValueError as error:
        print("ValueError:", error)

client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
try:
    client.publish("home/+/readings", "21.5")  # a filter is for subscribing only
except ValueError as error:
    print("ValueError:", error)
# --8<-- [end:mistakes]
