"""Pins and helpers shared by the built-in sketches (they match the default wiring)."""

from __future__ import annotations

from simulators.arduino import (
    A0,
    DHT,
    DHT22,
    HIGH,
    LOW,
    OUTPUT,
    Serial,
    Servo,
    analogRead,
    analogWrite,
    digitalRead,
    digitalWrite,
    millis,
    noTone,
    pinMode,
    tone,
)

DHT_PIN = 2
PIR_PIN = 4
LED_PIN = 5
HEATER_PIN = 7
LAMP_PIN = 8
SERVO_PIN = 9
BUZZER_PIN = 11
LIGHT_PIN = A0
BAUD = 9600


OFF_WORDS = ("0", "false", "no", "off")


def banner(sketch: str, params: dict | None = None) -> None:
    """The first line after a reset: what is running.

    On unless the sketch's ``params`` say ``banner=0`` (``sim://uno?...&banner=0``, or
    ``python -m simulators arduino --no-banner``): for programs that ``json.loads`` every
    line they read.
    """
    if params is not None and str(params.get("banner", "1")).strip().lower() in OFF_WORDS:
        return
    Serial.println(f"# Blink to Backend Uno (simulated): {sketch} ready")


def sample(dht: DHT, seq: int) -> str:
    """One JSON line: seq, milliseconds and every sensor value (null for a failed read).

    The line is ``json.dumps(values, separators=(",", ":"))`` of the dict of values, written
    out as one f-string: a sample goes out every simulated second, and this takes half the
    time ``json`` does (``tests/simulators/test_sim_fast_paths.py`` compares the two).
    """
    temperature = dht.readTemperature()
    humidity = dht.readHumidity()
    # json.dumps writes a float as repr() does, and NAN (a failed read, NAN != NAN) as null
    return (f'{{"seq":{seq},"ms":{millis()},'
            f'"temperature":{temperature if temperature == temperature else "null"},'
            f'"humidity":{humidity if humidity == humidity else "null"},'
            f'"light":{analogRead(LIGHT_PIN)},"motion":{digitalRead(PIR_PIN)}}}')


class Commands:
    """Text commands, one per line: ``LED ON`` -> ``OK LED ON``, junk -> ``ERR <reason>``."""

    HELP = "LED ON|OFF|0-255, HEATER ON|OFF, LAMP ON|OFF, SERVO 0-180, BUZZER ON|OFF|<Hz>, PING"

    def __init__(self) -> None:
        self.servo = Servo()
        self.buffer = ""
        self.state = {"led": "OFF", "heater": "OFF", "lamp": "OFF", "servo": "90", "buzzer": "OFF"}

    def setup(self) -> None:
        """Pins to outputs, servo attached."""
        for pin in (LED_PIN, HEATER_PIN, LAMP_PIN, BUZZER_PIN):
            pinMode(pin, OUTPUT)
        self.servo.attach(SERVO_PIN)

    def poll(self) -> str | None:
        """Read what arrived; run a command when its line is complete. Returns the line."""
        while Serial.available():
            char = chr(Serial.read())
            if char == "\n":
                line, self.buffer = self.buffer.strip(), ""
                if line:
                    Serial.println(self.run(line))
                    return line
            elif len(self.buffer) < 64:
                self.buffer += char
        return None

    def run(self, line: str) -> str:
        """Execute one command line; return the answer."""
        words = line.upper().split()
        name, args = words[0], words[1:]
        handler = getattr(self, f"do_{name.lower()}", None)
        if handler is None:
            return f"ERR unknown command {name} (try {self.HELP})"
        if len(args) != (0 if name == "PING" else 1):
            return f"ERR {name} takes {'no' if name == 'PING' else 'one'} argument"
        return handler(*args)

    def _switch(self, name: str, pin: int, arg: str) -> str:
        if arg not in ("ON", "OFF"):
            return f"ERR {name} expects ON or OFF, not {arg}"
        digitalWrite(pin, HIGH if arg == "ON" else LOW)
        self.state[name.lower()] = arg
        return f"OK {name} {arg}"

    def do_led(self, arg: str) -> str:
        if arg.isdigit():
            if int(arg) > 255:
                return "ERR LED brightness is 0-255"
            analogWrite(LED_PIN, int(arg))
            self.state["led"] = arg
            return f"OK LED {arg}"
        return self._switch("LED", LED_PIN, arg)

    def do_heater(self, arg: str) -> str:
        return self._switch("HEATER", HEATER_PIN, arg)

    def do_lamp(self, arg: str) -> str:
        return self._switch("LAMP", LAMP_PIN, arg)

    def do_servo(self, arg: str) -> str:
        if not arg.isdigit() or int(arg) > 180:
            return f"ERR SERVO expects an angle 0-180, not {arg}"
        self.servo.write(int(arg))
        self.state["servo"] = arg
        return f"OK SERVO {int(arg)}"

    def do_buzzer(self, arg: str) -> str:
        if arg == "OFF":
            noTone(BUZZER_PIN)
        elif arg == "ON" or arg.isdigit() and 31 <= int(arg) <= 65535:
            tone(BUZZER_PIN, 2000 if arg == "ON" else int(arg))
        else:
            return f"ERR BUZZER expects ON, OFF or a pitch 31-65535 Hz, not {arg}"
        self.state["buzzer"] = arg
        return f"OK BUZZER {arg}"

    def do_ping(self) -> str:
        return "OK PONG"


__all__ = ["DHT", "DHT22", "Commands", "banner", "sample", "BAUD", "DHT_PIN"]
