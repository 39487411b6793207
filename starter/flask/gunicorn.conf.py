"""Gunicorn's settings for the hub, read from the current directory by `gunicorn wsgi:app`.

python -m flask --app wsgi init-db && python -m gunicorn wsgi:app -b 127.0.0.1:8000
"""

# gunicorn answers a request line over 4094 bytes itself, with an HTML 414; let such a URL
# (a 5000-character device id, say) reach Flask, which answers it in the JSON envelope.
limit_request_line = 8190
