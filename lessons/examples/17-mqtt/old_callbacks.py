"""A callback written for paho-mqtt 1 (four arguments), in a paho-mqtt 2 client."""

import threading

import paho.mqtt.client as mqtt

from mqttkit import running_broker

died = threading.Event()


def show_thread_error(args):
    """Print an exception that ends a thread (Python prints its traceback to stderr)."""
    print(f"the thread {args.thread.name} stopped: {args.exc_type.__name__}: {args.exc_value}")
    died.set()


threading.excepthook = show_thread_error  # only so that this page shows the error

# --8<-- [start:mistake]
def on_connect(client, userdata, flags, rc):  # copied from a tutorial for paho-mqtt 1
    client.subscribe("home/kitchen/commands")
# --8<-- [end:mistake]


with running_broker() as broker:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="kitchen")
    client.on_connect = on_connect
    client.connect(broker.host, broker.port)
    client.loop_start()
    died.wait(timeout=5)
    print("subscribed to:", broker.subscribers("home/kitchen/commands"))
    client.disconnect()
    client.loop_stop()
