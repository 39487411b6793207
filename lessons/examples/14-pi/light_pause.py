"""The LED lights while you hold the button; pause() keeps the program running."""

from signal import pause

from gpiozero import LED, Button

led = LED(17)
button = Button(2)

button.when_pressed = led.on
button.when_released = led.off
print("Press the button to light the LED (Ctrl+C stops the program)")
pause()  # wait here, for ever: the callbacks run while the program waits
