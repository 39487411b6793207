"""firmata: StandardFirmata 2.5 at 57600 baud, for pyfirmata2, pymata4 and other Firmata clients.

Firmata lets a program on the computer drive the board's pins itself: the sketch on the
board only obeys and reports. This is a Python port of ``StandardFirmata.ino`` from the
Firmata library 2.5.x for the Uno (the one the Arduino IDE ships), function by function,
so clients written for a real board work unchanged (tested with pyfirmata2, and pymata4
at ``baud_rate=57600``).

**The shape of Firmata's messages.** Firmata borrows MIDI's framing: a byte with its top
bit set (0x80-0xFF) starts a message, every byte after it carries only 7 bits of data
(0x00-0x7F). So a value too big for 7 bits travels as two bytes, least significant
first: 1023 becomes ``0x7F 0x07`` (1023 & 0x7F, 1023 >> 7). Three shapes exist:

* a command with its *channel* in the low 4 bits and two data bytes:
  ``0xE0 | pin, LSB, MSB`` is an analog value (A0 reads 612: ``E0 64 04``);
  ``0x90 | port, LSB, MSB`` is 8 digital pins at once (a *port*: pins 0-7, 8-15, 16-19);
* a few commands of their own (``0xF4 pin mode``, ``0xF5 pin value``, ``0xF9`` the
  protocol version, ``0xFF`` reset), and ``0xC0 | pin, on`` / ``0xD0 | port, on`` that
  switch reporting on or off;
* *sysex*: ``0xF0``, a command byte, any number of 7-bit data bytes, ``0xF7``. Questions
  and longer answers use it: the firmware name, the capability report, the pin state,
  text (each character as two 7-bit bytes).

What the board sends on its own: the protocol version and firmware name at start-up
(after blinking the version on D13: 2 flashes, then 5), a digital port whenever an input
pin of a reported port changes, and the reported analog pins every sampling interval
(19 ms unless the client sets it).

Like the real sketch: D0/D1 are the serial line, so Firmata leaves them alone; pins start
as outputs (D2-D13) and analog inputs (A0-A5); a servo write below 544 is an angle, from
544 up a pulse width in µs. Also answered: FirmataExpress's ``ARE_YOU_THERE`` (``F0 51
F7`` -> ``F0 52 <instance id> F7``). Not simulated: I2C (answered with a text message) and
serial pins. The servo turns to the angle written whatever pulse range ``SERVO_CONFIG``
sets (the simulated Servo maps 0-180° to 1000-2000 µs everywhere).

PARAMS: ``baud`` (default 57600); ``blink`` (0 skips the start-up version blink);
``express`` (1 behaves like FirmataExpress, the sketch pymata4's defaults expect: 115200
baud, no blink, no start-up announcement, firmware "FirmataExpress" 1.2, tone messages);
``instance_id`` (the id answered to ``ARE_YOU_THERE``, default 1).
"""

from simulators.arduino import (
    HIGH,
    INPUT,
    INPUT_PULLUP,
    LED_BUILTIN,
    LOW,
    OUTPUT,
    Serial,
    Servo,
    analogRead,
    analogWrite,
    delay,
    digitalRead,
    digitalWrite,
    millis,
    noTone,
    pinMode,
    tone,
)


def _flag(name, default):
    """A yes/no setting from PARAMS ("1", "true", "yes" and "on" mean yes)."""
    return str(PARAMS.get(name, default)).strip().lower() in ("1", "true", "yes", "on")  # noqa: F821


EXPRESS = _flag("express", "0")
SPEED = int(PARAMS.get("baud", 115200 if EXPRESS else 57600))  # noqa: F821 (given by the board)
BLINK_VERSION = _flag("blink", "0" if EXPRESS else "1")
INSTANCE_ID = int(PARAMS.get("instance_id", 1))  # noqa: F821
FIRMWARE_NAME = "FirmataExpress.ino" if EXPRESS else "StandardFirmata.ino"
FIRMWARE_VERSION = (1, 2) if EXPRESS else (2, 5)  # pymata4 checks FirmataExpress for 1.2
PROTOCOL_VERSION = (2, 5)

# -- the protocol's numbers (Firmata's FirmataConstants.h) ------------------------------

# messages with a channel (pin or port) in the low 4 bits
DIGITAL_MESSAGE = 0x90  # 8 pins of a port: both ways
ANALOG_MESSAGE = 0xE0  # an analog value: board -> client; a PWM or servo write: client -> board
REPORT_ANALOG = 0xC0  # switch reporting of an analog pin on/off
REPORT_DIGITAL = 0xD0  # switch reporting of a digital port on/off
# messages of their own
SET_PIN_MODE = 0xF4
SET_DIGITAL_PIN_VALUE = 0xF5
REPORT_VERSION = 0xF9
SYSTEM_RESET = 0xFF
START_SYSEX = 0xF0
END_SYSEX = 0xF7
# sysex commands
KEEP_ALIVE = 0x50  # FirmataExpress
ARE_YOU_THERE = 0x51  # FirmataExpress
I_AM_HERE = 0x52  # FirmataExpress
TONE_DATA = 0x5F  # FirmataExpress
ANALOG_MAPPING_QUERY = 0x69
ANALOG_MAPPING_RESPONSE = 0x6A
CAPABILITY_QUERY = 0x6B
CAPABILITY_RESPONSE = 0x6C
PIN_STATE_QUERY = 0x6D
PIN_STATE_RESPONSE = 0x6E
EXTENDED_ANALOG = 0x6F
SERVO_CONFIG = 0x70
STRING_DATA = 0x71
I2C_REQUEST = 0x76
I2C_CONFIG = 0x78
REPORT_FIRMWARE = 0x79
SAMPLING_INTERVAL = 0x7A

# pin modes (not the same numbers as pinMode()'s INPUT/OUTPUT/INPUT_PULLUP)
PIN_MODE_INPUT = 0x00
PIN_MODE_OUTPUT = 0x01
PIN_MODE_ANALOG = 0x02
PIN_MODE_PWM = 0x03
PIN_MODE_SERVO = 0x04
PIN_MODE_PULLUP = 0x0B
PIN_MODE_TONE = 0x0D  # FirmataExpress
PIN_MODE_IGNORE = 0x7F

# -- the Uno, as Firmata's Boards.h describes it ----------------------------------------

TOTAL_PINS = 20  # D0-D13, then A0-A5 as 14-19
TOTAL_PORTS = 3  # pins 0-7, 8-15, 16-19
FIRST_ANALOG_PIN = 14
PWM_PINS = (3, 5, 6, 9, 10, 11)
MAX_SERVOS = 12  # the Servo library's limit on an Uno
MAX_DATA_BYTES = 64  # the longest sysex message the real sketch keeps
MIN_PULSE_WIDTH = 544  # Servo.write(): below this an angle, from here on microseconds
ANALOG_RESOLUTION, PWM_RESOLUTION, SERVO_RESOLUTION = 10, 8, 14


def is_digital(pin):
    """Pins Firmata may use as digital pins: D2-D19 (D0/D1 carry Firmata itself)."""
    return 2 <= pin < TOTAL_PINS


def is_analog(pin):
    """A0-A5, numbered 14-19."""
    return FIRST_ANALOG_PIN <= pin < TOTAL_PINS


def two_bytes(value):
    """``value`` as Firmata sends it: the low 7 bits, then the next 7 bits."""
    return [value & 0x7F, (value >> 7) & 0x7F]


def encode_text(text):
    """Text for a sysex message: every character as two 7-bit bytes."""
    data = []
    for byte in text.encode("ascii", "replace"):
        data += two_bytes(byte)
    return data


class Parser:
    """Reads a client's bytes one at a time and calls ``firmata`` when a message is whole.

    Works like FirmataParser.cpp: a command byte starts a message (and abandons one that
    was still waiting for data), data bytes fill it, ``END_SYSEX`` closes a sysex message.
    """

    #: command -> how many data bytes follow it
    DATA_BYTES = {ANALOG_MESSAGE: 2, DIGITAL_MESSAGE: 2, SET_PIN_MODE: 2,
                  SET_DIGITAL_PIN_VALUE: 2, REPORT_ANALOG: 1, REPORT_DIGITAL: 1}

    def __init__(self, firmata):
        self.firmata = firmata
        self.clear()

    def clear(self):
        """Forget any half-read message."""
        self.command = None
        self.channel = 0
        self.data = []
        self.sysex = None  # the bytes of a sysex message being read, or None

    def feed(self, byte):
        """Take one received byte."""
        if self.sysex is not None:
            self._feed_sysex(byte)
        elif byte < 0x80:
            self._feed_data(byte)
        else:
            self._start(byte)

    def _feed_sysex(self, byte):
        if byte == END_SYSEX:
            message, self.sysex = self.sysex, None
            if message:
                self.firmata.sysex(message[0], message[1:])
        elif len(self.sysex) < MAX_DATA_BYTES:
            self.sysex.append(byte)

    def _feed_data(self, byte):
        if self.command is None:
            return  # a data byte nobody asked for: skipped, like the real parser does
        self.data.append(byte)
        if len(self.data) == self.DATA_BYTES[self.command]:
            command, self.command = self.command, None
            self._run(command, self.channel, self.data)

    def _start(self, byte):
        self.clear()
        command, channel = (byte & 0xF0, byte & 0x0F) if byte < 0xF0 else (byte, 0)
        if command in self.DATA_BYTES:
            self.command, self.channel = command, channel
        elif command == START_SYSEX:
            self.sysex = []
        elif command == SYSTEM_RESET:
            self.firmata.system_reset()
        elif command == REPORT_VERSION:
            self.firmata.send_version()

    def _run(self, command, channel, data):
        firmata = self.firmata
        if command == ANALOG_MESSAGE:
            firmata.analog_write(channel, data[0] | data[1] << 7)
        elif command == DIGITAL_MESSAGE:
            firmata.digital_write_port(channel, data[0] | data[1] << 7)
        elif command == SET_PIN_MODE:
            firmata.set_pin_mode(data[0], data[1])
        elif command == SET_DIGITAL_PIN_VALUE:
            firmata.set_pin_value(data[0], data[1])
        elif command == REPORT_ANALOG:
            firmata.report_analog(channel, data[0])
        elif command == REPORT_DIGITAL:
            firmata.report_digital(channel, data[0])


class StandardFirmata:
    """The board's side of Firmata: pin modes, reporting, and the answers to each message.

    The methods carry the names of StandardFirmata.ino's callbacks, so the two read side
    by side (``set_pin_mode`` is ``setPinModeCallback``, and so on).
    """

    def __init__(self):
        self.parser = Parser(self)
        self.modes = [PIN_MODE_INPUT] * TOTAL_PINS  # each pin's Firmata mode
        self.states = [0] * TOTAL_PINS  # the value last written to each pin
        self.report_ports = [False] * TOTAL_PORTS  # digital ports the client wants
        self.input_masks = [0] * TOTAL_PORTS  # per port: 1 bits are pins in an input mode
        self.previous_ports = [0] * TOTAL_PORTS  # the port values last sent
        self.analog_reporting = 0  # bit n set: report An
        self.servos = {}  # pin -> Servo
        self.sampling_ms = 19
        self.previous_ms = 0
        self.resetting = False

    # -- start-up ---------------------------------------------------------------------

    def begin(self):
        """Firmata.begin(): open the port, blink the version, announce the version."""
        Serial.begin(SPEED)
        if BLINK_VERSION:
            self.blink_version()
        if not EXPRESS:  # FirmataExpress keeps quiet until asked
            self.send_version()
            self.send_firmware()

    def blink_version(self):
        """Flash the firmware version on the built-in LED: 2 flashes, then 5 (about 2 s)."""
        pinMode(LED_BUILTIN, OUTPUT)
        for count, pause in zip(FIRMWARE_VERSION, (250, 125), strict=True):
            for _ in range(count):
                delay(210)
                digitalWrite(LED_BUILTIN, HIGH)
                delay(40)
                digitalWrite(LED_BUILTIN, LOW)
            delay(pause)

    # -- what loop() does -------------------------------------------------------------

    def check_digital_inputs(self):
        """Send each reported port whose input pins changed since it was last sent."""
        for port in range(TOTAL_PORTS):
            if self.report_ports[port]:
                self.output_port(port, self.read_port(port), force=False)

    def process_input(self):
        """Handle every byte the client has sent."""
        while Serial.available():
            self.parser.feed(Serial.read())

    def sample_analog_inputs(self):
        """Every sampling interval, send the value of each reported analog pin."""
        if millis() - self.previous_ms > self.sampling_ms:
            self.previous_ms += self.sampling_ms
            for pin in range(FIRST_ANALOG_PIN, TOTAL_PINS):
                analog_pin = pin - FIRST_ANALOG_PIN
                if self.modes[pin] == PIN_MODE_ANALOG and self.analog_reporting >> analog_pin & 1:
                    self.send_analog(analog_pin, analogRead(analog_pin))

    # -- messages to the client -------------------------------------------------------

    def send_sysex(self, command, data):
        """``F0 command data... F7``."""
        Serial.write(bytes([START_SYSEX, command, *data, END_SYSEX]))

    def send_version(self):
        """``F9 major minor``: the protocol version."""
        Serial.write(bytes([REPORT_VERSION, *PROTOCOL_VERSION]))

    def send_firmware(self):
        """``F0 79 major minor name... F7``: the firmware's version and name."""
        self.send_sysex(REPORT_FIRMWARE, [*FIRMWARE_VERSION, *encode_text(FIRMWARE_NAME)])

    def send_string(self, text):
        """``F0 71 text... F7``: a message for the person at the computer."""
        self.send_sysex(STRING_DATA, encode_text(text))

    def send_analog(self, analog_pin, value):
        """``E0|pin LSB MSB``: the value read on A<pin>."""
        Serial.write(bytes([ANALOG_MESSAGE | analog_pin, *two_bytes(value)]))

    def send_digital_port(self, port, value):
        """``90|port LSB MSB``: the levels of the port's 8 pins, one bit each."""
        Serial.write(bytes([DIGITAL_MESSAGE | port, *two_bytes(value)]))

    # -- digital ports ----------------------------------------------------------------

    def read_port(self, port):
        """The levels of the port's input pins as bits (other pins read 0)."""
        value = 0
        for bit in range(8):
            pin = port * 8 + bit
            if self.input_masks[port] >> bit & 1 and pin < TOTAL_PINS and digitalRead(pin):
                value |= 1 << bit
        return value

    def output_port(self, port, value, force):
        """Send a port's input levels if they changed (or if ``force``)."""
        value &= self.input_masks[port]
        if force or value != self.previous_ports[port]:
            self.send_digital_port(port, value)
            self.previous_ports[port] = value

    # -- messages from the client -----------------------------------------------------

    def set_pin_mode(self, pin, mode):
        """``F4 pin mode``: make a pin an input, output, analog input, PWM or servo pin."""
        if pin >= TOTAL_PINS or self.modes[pin] == PIN_MODE_IGNORE:
            return
        if is_digital(pin) and mode != PIN_MODE_SERVO:
            self.detach_servo(pin)
        if is_analog(pin):
            self.report_analog(pin - FIRST_ANALOG_PIN, 1 if mode == PIN_MODE_ANALOG else 0)
        if is_digital(pin):
            self.set_input_bit(pin, mode in (PIN_MODE_INPUT, PIN_MODE_PULLUP))
        self.states[pin] = 0
        if mode not in (PIN_MODE_ANALOG, PIN_MODE_INPUT, PIN_MODE_PULLUP, PIN_MODE_OUTPUT,
                        PIN_MODE_PWM, PIN_MODE_SERVO) and not (EXPRESS and mode == PIN_MODE_TONE):
            self.send_string("Unknown pin mode")
        elif mode == PIN_MODE_ANALOG and is_analog(pin):
            pinMode(pin, INPUT)
            self.modes[pin] = mode
        elif mode == PIN_MODE_PWM and pin in PWM_PINS:
            pinMode(pin, OUTPUT)
            analogWrite(pin, 0)
            self.modes[pin] = mode
        elif is_digital(pin) and mode not in (PIN_MODE_ANALOG, PIN_MODE_PWM):
            self.set_digital_mode(pin, mode)

    def set_digital_mode(self, pin, mode):
        """The part of ``set_pin_mode`` for modes every digital pin has."""
        if mode == PIN_MODE_INPUT:
            pinMode(pin, INPUT)
        elif mode == PIN_MODE_PULLUP:
            pinMode(pin, INPUT_PULLUP)
            self.states[pin] = 1
        elif mode == PIN_MODE_OUTPUT:
            if self.modes[pin] == PIN_MODE_PWM:
                digitalWrite(pin, LOW)  # stop the PWM
            pinMode(pin, OUTPUT)
        elif mode == PIN_MODE_SERVO and pin not in self.servos:
            self.attach_servo(pin)
        self.modes[pin] = mode

    def set_input_bit(self, pin, is_input):
        """Mark ``pin`` in its port's input mask (only input pins are reported)."""
        port, bit = divmod(pin, 8)
        if is_input:
            self.input_masks[port] |= 1 << bit
        else:
            self.input_masks[port] &= ~(1 << bit)

    def set_pin_value(self, pin, value):
        """``F5 pin value``: drive one output pin HIGH or LOW."""
        if is_digital(pin) and self.modes[pin] == PIN_MODE_OUTPUT:
            self.states[pin] = value
            digitalWrite(pin, value)

    def digital_write_port(self, port, value):
        """``90|port LSB MSB``: set the port's output pins; a 1 on an input turns its pull-up on."""
        for bit in range(8):
            pin = port * 8 + bit
            if not (is_digital(pin) and self.modes[pin] in (PIN_MODE_OUTPUT, PIN_MODE_INPUT)):
                continue  # D0/D1, and pins in PWM, analog, servo or pull-up mode stay as they are
            level = value >> bit & 1
            if self.modes[pin] == PIN_MODE_OUTPUT:
                digitalWrite(pin, level)
            elif level and self.states[pin] != 1:
                pinMode(pin, INPUT_PULLUP)
            self.states[pin] = level

    def analog_write(self, pin, value):
        """``E0|pin LSB MSB``: a PWM duty cycle (0-255) or a servo angle/pulse width."""
        if pin >= TOTAL_PINS:
            return
        if self.modes[pin] == PIN_MODE_SERVO and pin in self.servos:
            servo_write(self.servos[pin], value)
            self.states[pin] = value
        elif self.modes[pin] == PIN_MODE_PWM and pin in PWM_PINS:
            analogWrite(pin, value)
            self.states[pin] = value

    def report_analog(self, analog_pin, on):
        """``C0|pin on``: start or stop reporting A<pin>; starting sends its value at once."""
        if analog_pin >= TOTAL_PINS - FIRST_ANALOG_PIN:
            return
        if not on:
            self.analog_reporting &= ~(1 << analog_pin)
            return
        self.analog_reporting |= 1 << analog_pin
        if not self.resetting:
            self.send_analog(analog_pin, analogRead(analog_pin))

    def report_digital(self, port, on):
        """``D0|port on``: start or stop reporting a port; starting sends it at once."""
        if port < TOTAL_PORTS:
            self.report_ports[port] = bool(on)
            if on:
                self.output_port(port, self.read_port(port), force=True)

    def system_reset(self):
        """``FF``: every pin back to its start-up mode, all reporting off, servos detached."""
        self.resetting = True
        self.report_ports = [False] * TOTAL_PORTS
        self.input_masks = [0] * TOTAL_PORTS
        self.previous_ports = [0] * TOTAL_PORTS
        for pin in range(TOTAL_PINS):
            if is_analog(pin):
                self.set_pin_mode(pin, PIN_MODE_ANALOG)
            elif is_digital(pin):
                self.set_pin_mode(pin, PIN_MODE_OUTPUT)
        self.analog_reporting = 0
        self.resetting = False

    # -- servos -----------------------------------------------------------------------

    def attach_servo(self, pin):
        """Start a servo on ``pin`` (at most 12, like the Servo library on an Uno)."""
        if len(self.servos) >= MAX_SERVOS:
            self.send_string("Max servos attached")
            return
        servo = Servo()
        servo.attach(pin)
        self.servos[pin] = servo

    def detach_servo(self, pin):
        """Stop the servo on ``pin``, if there is one."""
        servo = self.servos.pop(pin, None)
        if servo is not None:
            servo.detach()

    # -- sysex messages ---------------------------------------------------------------

    def sysex(self, command, data):
        """``F0 command data... F7``: run the command; unknown commands are ignored."""
        handler = self.sysex_handlers().get(command)
        if handler is not None:
            handler(data)

    def sysex_handlers(self):
        """The sysex commands this board answers, each with the method that does it."""
        handlers = {
            REPORT_FIRMWARE: lambda data: self.send_firmware(),
            CAPABILITY_QUERY: lambda data: self.send_capabilities(),
            ANALOG_MAPPING_QUERY: lambda data: self.send_analog_mapping(),
            PIN_STATE_QUERY: self.send_pin_state,
            SERVO_CONFIG: self.servo_config,
            SAMPLING_INTERVAL: self.set_sampling_interval,
            EXTENDED_ANALOG: self.extended_analog,
            ARE_YOU_THERE: lambda data: self.send_sysex(I_AM_HERE, [INSTANCE_ID & 0x7F]),
            I2C_REQUEST: self.no_i2c,
            I2C_CONFIG: self.no_i2c,
        }
        if EXPRESS:
            handlers[TONE_DATA] = self.play_tone
            handlers[KEEP_ALIVE] = lambda data: None  # accepted; the board never resets itself
        return handlers

    def send_capabilities(self):
        """``F0 6C`` then, for each pin, pairs of (mode, resolution) ended by 7F, then ``F7``."""
        data = []
        for pin in range(TOTAL_PINS):
            if is_digital(pin):
                data += [PIN_MODE_INPUT, 1, PIN_MODE_PULLUP, 1, PIN_MODE_OUTPUT, 1]
            if is_analog(pin):
                data += [PIN_MODE_ANALOG, ANALOG_RESOLUTION]
            if pin in PWM_PINS:
                data += [PIN_MODE_PWM, PWM_RESOLUTION]
            if is_digital(pin):
                data += [PIN_MODE_SERVO, SERVO_RESOLUTION]
            data.append(0x7F)
        self.send_sysex(CAPABILITY_RESPONSE, data)

    def send_analog_mapping(self):
        """``F0 6A`` then, for each pin, its analog channel (0-5) or 7F, then ``F7``."""
        channels = [pin - FIRST_ANALOG_PIN if is_analog(pin) else 0x7F for pin in range(TOTAL_PINS)]
        self.send_sysex(ANALOG_MAPPING_RESPONSE, channels)

    def send_pin_state(self, data):
        """``F0 6E pin mode state... F7``: a pin's mode and last written value (7 bits a byte)."""
        if not data:
            return
        pin, answer = data[0], [data[0]]
        if pin < TOTAL_PINS:
            state = self.states[pin]
            answer += [self.modes[pin], state & 0x7F]
            if state & 0xFF80:
                answer.append(state >> 7 & 0x7F)
            if state & 0xC000:
                answer.append(state >> 14 & 0x7F)
        self.send_sysex(PIN_STATE_RESPONSE, answer)

    def servo_config(self, data):
        """``F0 70 pin minLSB minMSB maxLSB maxMSB F7``: (re)attach a servo on ``pin``."""
        if len(data) > 4 and is_digital(data[0]):
            self.detach_servo(data[0])
            self.attach_servo(data[0])
            self.set_pin_mode(data[0], PIN_MODE_SERVO)

    def set_sampling_interval(self, data):
        """``F0 7A LSB MSB F7``: how many ms between analog reports (at least 1)."""
        if len(data) > 1:
            self.sampling_ms = max(1, data[0] | data[1] << 7)

    def extended_analog(self, data):
        """``F0 6F pin value(7 bits a byte)... F7``: an analog write to any pin, any size."""
        if len(data) > 1:
            value = 0
            for shift, byte in enumerate(data[1:4]):
                value |= byte << (7 * shift)
            self.analog_write(data[0], value)

    def no_i2c(self, data):
        """I2C is not simulated: say so instead of answering with made-up bytes."""
        self.send_string("I2C is not simulated on this board")

    def play_tone(self, data):
        """FirmataExpress ``F0 5F 0 pin freq(2) duration(2) F7`` plays, ``F0 5F 1 pin F7`` stops."""
        if len(data) >= 6 and data[0] == 0:
            duration = data[4] | data[5] << 7
            tone(data[1], data[2] | data[3] << 7, duration or None)
        elif len(data) >= 2 and data[0] == 1:
            noTone(data[1])


def servo_write(servo, value):
    """The Servo library's write(): below 544 an angle in degrees, else a pulse in µs."""
    if value < MIN_PULSE_WIDTH:
        servo.write(value)
    else:
        servo.writeMicroseconds(value)


firmata = StandardFirmata()


def setup():
    firmata.begin()
    firmata.system_reset()  # pins to their start-up modes


def loop():
    # No delay(): like the real sketch, loop() runs again at once (here: every millisecond).
    firmata.check_digital_inputs()
    firmata.process_input()
    firmata.sample_analog_inputs()
