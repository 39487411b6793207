"""knob_percent: print the knob's position as a percentage, twice a second ("percent:50")."""

from simulators.arduino import A1, Serial, analogRead, delay, map


def setup():
    Serial.begin(9600)


def loop():
    value = analogRead(A1)  # 0 to 1023
    percent = map(value, 0, 1023, 0, 100)  # the same position, on a scale of 0 to 100
    Serial.print("percent:")
    Serial.println(percent)
    delay(500)
