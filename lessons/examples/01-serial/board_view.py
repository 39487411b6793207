"""Draw the board, its serial plotter and monitor, after 20 readings."""

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    # in a notebook, this line alone shows the live board under the cell
    view = port.board.view()
    for _ in range(21):  # the banner and 20 readings
        port.readline()
    # outside a notebook: the same picture, as an SVG image
    print(view.to_svg())
    view.close()
