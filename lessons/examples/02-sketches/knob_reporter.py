"""knob_reporter: print the knob's position (analog pin A1) twice a second, as "knob:512"."""

from simulators.arduino import A1, Serial, analogRead, delay


def setup():
    Serial.begin(9600)  # start the serial port at 9600 baud


def loop():
    value = analogRead(A1)  # 0 (turned fully left) to 1023 (fully right)
    Serial.print("knob:")  # "label:value" lines: the serial plotter draws them
    Serial.println(value)  # the number, then the end of the line ("\r\n")
    delay(500)
