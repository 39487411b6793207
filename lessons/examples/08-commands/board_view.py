"""The board view of the cold room after 20 minutes of heating, as an SVG picture.

The lesson page shows this picture: it is what `port.board.view()` draws in a notebook.
"""

from device import read_answer
from thermostat import winter_board

with winter_board() as port:
    view = port.board.view()  # in JupyterLab: the live picture; here, only its drawing
    port.write(b"HEATER ON\n")
    read_answer(port)
    port.world.clock.advance(20 * 60)  # 20 simulated minutes
    view.refresh(force=True)
    print(view.to_svg())
    view.close()
