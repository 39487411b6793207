"""A first message: a subscriber on one topic, a publisher, and a broker between them."""

import queue

import paho.mqtt.client as mqtt

from mqttkit import running_broker, wait_until

with running_broker() as broker:  # a broker on this computer, on a free port
    # --8<-- [start:subscriber]
    inbox = queue.Queue()  # what the callback receives, for the main program to read

    def on_message(client, userdata, message):
        """paho calls this, in its own thread, for each message that arrives."""
        inbox.put((message.topic, message.payload))

    dashboard = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="dashboard")
    dashboard.on_message = on_message
    dashboard.connect(broker.host, broker.port)
    dashboard.loop_start()  # a thread sends, receives, and calls on_message
    dashboard.subscribe("home/kitchen/readings", qos=1)
    broker.wait_for_subscriber("home/kitchen/readings")  # the broker has the subscription
    # --8<-- [end:subscriber]

    # --8<-- [start:publisher]
    kitchen = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="kitchen")
    kitchen.connect(broker.host, broker.port)
    kitchen.loop_start()
    wait_until(kitchen.is_connected, "the kitchen to connect")
    info = kitchen.publish("home/kitchen/readings", '{"sensor": "temperature", "value": 21.5}',
                           qos=1)
    info.wait_for_publish(timeout=5)  # until the broker says it has the message
    print("published:", info.is_published())

    topic, payload = inbox.get(timeout=5)  # wait for the message, 5 s at most
    print("received on", topic, ":", payload)
    # --8<-- [end:publisher]

    for client in (kitchen, dashboard):
        client.disconnect()
        client.loop_stop()
