"""The LED lights while you hold the button. The mistake: nothing keeps it running."""

from gpiozero import LED, Button

led = LED(17)
button = Button(2)

button.when_pressed = led.on
button.when_released = led.off
print("Press the button to light the LED")
