"""HTTP is text: send a request to the hub by hand, over a plain socket, and print the answer."""

import socket
from urllib.parse import urlsplit

from local_hub import running_hub

request = (
    "GET /api/v1/health HTTP/1.1\r\n"  # the request line: method, path, version
    "Host: 127.0.0.1\r\n"  # then the headers, one "Name: value" a line
    "Connection: close\r\n"
    "\r\n"  # an empty line ends the headers; a GET has no body
)

with running_hub() as url:
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port)) as connection:
        connection.sendall(request.encode("ascii"))
        answer = connection.makefile("rb").read().decode("utf-8")

print("--- the request ---")
print(request.replace("\r\n", "\n"), end="")
print("--- the response ---")
for line in answer.split("\r\n"):
    if not line.startswith(("Date:", "Server:")):  # the time, and the server's version
        print(line)
