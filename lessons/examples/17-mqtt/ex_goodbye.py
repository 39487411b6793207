"""Exercise 2: a device that says goodbye properly leaves no last will behind."""

import queue

from mqttkit import connected, running_broker


def dashboard_reads(broker):
    """What a dashboard that starts now reads on home/+/status (the retained messages)."""
    inbox = queue.Queue()
    with connected(broker.host, broker.port, "dashboard") as dashboard:
        dashboard.on_message = lambda client, userdata, message: inbox.put(message)
        dashboard.subscribe("home/+/status", qos=1)
        message = inbox.get(timeout=5)
        return message.topic, message.payload


with running_broker() as broker:
    # --8<-- [start:before]
    with connected(broker.host, broker.port, "garage",
                   will=("home/garage/status", "offline")) as garage:
        garage.publish("home/garage/status", "online", qos=1, retain=True).wait_for_publish(5)
        ...  # the device's work
    # the with block ends with disconnect(): a clean goodbye
    # --8<-- [end:before]
    print("before the fix, a dashboard reads:", dashboard_reads(broker))

    # --8<-- [start:fix]
    with connected(broker.host, broker.port, "garage",
                   will=("home/garage/status", "offline")) as garage:
        garage.publish("home/garage/status", "online", qos=1, retain=True).wait_for_publish(5)
        ...  # the device's work
        garage.publish("home/garage/status", "offline", qos=1, retain=True).wait_for_publish(5)
    # --8<-- [end:fix]
    print("after the fix, a dashboard reads:", dashboard_reads(broker))
