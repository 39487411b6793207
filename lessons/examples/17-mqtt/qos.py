"""QoS is chosen on each leg: publisher -> broker, then broker -> each subscriber."""

import queue

from mqttkit import connected, running_broker, wait_until

with running_broker() as broker:
    with (connected(broker.host, broker.port, "logger") as logger,
          connected(broker.host, broker.port, "phone") as phone,
          connected(broker.host, broker.port, "kitchen") as kitchen):
        inbox = queue.Queue()
        for client, qos in [(logger, 1), (phone, 0)]:
            client.on_message = lambda client, userdata, message: inbox.put((client, message))
            client.subscribe("home/kitchen/readings", qos=qos)
        wait_until(lambda: len(broker.subscribers("home/kitchen/readings")) == 2,
                   "both subscriptions to reach the broker")

        info = kitchen.publish("home/kitchen/readings", '{"value": 21.5, "seq": 1}', qos=1)
        info.wait_for_publish(timeout=5)
        print("kitchen -> broker: QoS 1, the broker has it:", info.is_published())

        received = dict(inbox.get(timeout=5) for _ in range(2))
        for name, client in [("logger", logger), ("phone", phone)]:
            message = received[client]
            print(f"broker -> {name}: QoS {message.qos}, {message.payload.decode()}")
