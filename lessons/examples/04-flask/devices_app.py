"""URL variables: parts of the path that Flask hands to your function as arguments.

ask_devices.py asks it for four paths."""

from flask import Flask

app = Flask(__name__)


@app.get("/api/v1/devices/<device_id>")
def get_device(device_id):
    return {"id": device_id, "type": type(device_id).__name__}


@app.get("/api/v1/devices/<device_id>/readings/<int:seq>")
def get_reading(device_id, seq):
    return {"device_id": device_id, "seq": seq, "type": type(seq).__name__}
