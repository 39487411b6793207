"""Autoescaping: what a device sends is shown as text, never run as HTML."""

from flask import Flask, render_template_string

app = Flask(__name__)
name = '<script>alert("hacked")</script>'  # a device registered with this name

# --8<-- [start:escaped]
with app.app_context():
    print(render_template_string("<h1>{{ name }}</h1>", name=name))
# --8<-- [end:escaped]

# --8<-- [start:mistakes]
print(f"<h1>{name}</h1>")  # an f-string knows nothing of HTML
with app.app_context():
    print(render_template_string("<h1>{{ name|safe }}</h1>", name=name))  # |safe: "trust me"
# --8<-- [end:mistakes]
