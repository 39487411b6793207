"""Draw the board view of blink_and_report.py after 9 simulated seconds, as an SVG picture.

The lesson page shows this picture: it is what `uno.view()` draws in a notebook.
"""

import os

from simulators import World

os.chdir("lessons/examples/02-sketches")  # so that the picture names the sketch by its file name
with World(seed=1) as world:
    uno = world.add_uno("blink_and_report.py")
    view = uno.view()  # in JupyterLab: the live picture; here, only its drawing
    world.room.set_daylight(100)  # bright until 5 s, then a cloud
    world.clock.call_later(5.0, world.room.set_daylight, 20)
    world.clock.advance(9)
    view.refresh(force=True)
    print(view.to_svg())
    view.close()
