"""A test for a blink sketch: it runs the sketch on the virtual clock and checks the LED."""

from simulators import World


def check_blink(sketch):
    """Run `sketch` for 10 simulated seconds; fail with a message that says what is wrong."""
    with World(seed=1) as world:
        uno = world.add_uno(sketch)
        world.clock.advance(10)
        changes = list(uno.parts["builtin"].history)  # [(seconds, brightness), ...]
    times = [seconds for seconds, brightness in changes]
    levels = [brightness for seconds, brightness in changes]
    gaps = [times[i + 1] - times[i] for i in range(len(times) - 1)]
    assert times, "the LED never changed: does setup() call pinMode(LED_BUILTIN, OUTPUT)?"
    assert times[0] == 0.5, f"the first change should come at boot (0.5 s), not {times[0]} s"
    assert levels[:4] == [1.0, 0.0, 1.0, 0.0], f"the LED should start on, then alternate: {levels}"
    assert all(abs(gap - 1.0) < 0.001 for gap in gaps), f"not one second apart: {gaps}"


check_blink("lessons/examples/02-sketches/blink.py")
print("blink.py: passed")
try:
    check_blink("lessons/examples/02-sketches/blink_no_pinmode.py")
except AssertionError as error:
    print(f"blink_no_pinmode.py: AssertionError: {error}")
