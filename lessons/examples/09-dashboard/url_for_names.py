"""url_for() builds a URL from a view's name: the dashboard's views are dashboard.<name>."""

from dashboard_hub import make_hub
from flask import url_for
from werkzeug.routing import BuildError

app = make_hub().application

# --8<-- [start:build]
with app.test_request_context():  # url_for needs a request, as inside a view
    print(url_for("dashboard.index"))
    print(url_for("dashboard.device", device_id="kitchen"))
    print(url_for("dashboard.device", device_id="kitchen", sensor="humidity"))
    try:
        print(url_for("device", device_id="kitchen"))  # the name without its blueprint
    except BuildError as error:
        print(f"{type(error).__name__}: {error}")
# --8<-- [end:build]
