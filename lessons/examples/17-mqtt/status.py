"""A retained status, and a last will that says "offline" when the device dies."""

import queue

from mqttkit import connected, cut_connection, running_broker

with running_broker() as broker:
    # --8<-- [start:device]
    kitchen_status = "home/kitchen/status"
    with connected(broker.host, broker.port, "kitchen",
                   will=(kitchen_status, "offline")) as kitchen:  # left with the broker
        kitchen.publish(kitchen_status, "online", qos=1, retain=True).wait_for_publish(5)
        print("kitchen: online (retained), with a last will: offline")
        # --8<-- [end:device]

        # --8<-- [start:dashboard]
        inbox = queue.Queue()
        with connected(broker.host, broker.port, "dashboard") as dashboard:
            dashboard.on_message = lambda client, userdata, message: inbox.put(message)
            dashboard.subscribe("home/+/status", qos=1)  # comes later than the message
            message = inbox.get(timeout=5)
            print("dashboard:", message.topic, message.payload, "retained:", message.retain)

            cut_connection(kitchen)  # the kitchen's power fails: no goodbye
            message = inbox.get(timeout=5)
            print("dashboard:", message.topic, message.payload, "retained:", message.retain)
        # --8<-- [end:dashboard]
    print("the broker keeps:", broker.retained())
