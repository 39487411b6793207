"""Exercise 1: which topics does each filter match? paho's topic_matches_sub() knows."""

import paho.mqtt.client as mqtt

TOPICS = ["home/kitchen/status", "home/kitchen/status/battery", "home/status",
          "Home/kitchen/status", "home//status"]

for topic_filter in ["home/+/status", "home/#", "home/kitchen/+"]:
    for name in TOPICS:
        print(f"{topic_filter:14} {name:28} {mqtt.topic_matches_sub(topic_filter, name)}")
