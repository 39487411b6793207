"""A subscriber that comes after the message gets nothing: the broker keeps no history."""

import queue

from mqttkit import connected, running_broker

with running_broker() as broker:
    with connected(broker.host, broker.port, "kitchen") as kitchen:
        kitchen.publish("home/kitchen/readings", '{"sensor": "temperature", "value": 21.5}',
                        qos=1).wait_for_publish(timeout=5)
        print("published, while nobody is subscribed")

    inbox = queue.Queue()
    with connected(broker.host, broker.port, "dashboard") as dashboard:
        dashboard.on_message = lambda client, userdata, message: inbox.put(message.payload)
        dashboard.subscribe("home/kitchen/readings", qos=1)
        broker.wait_for_subscriber("home/kitchen/readings")
        try:
            print("received:", inbox.get(timeout=1))
        except queue.Empty:
            print("nothing arrived in 1 s")
