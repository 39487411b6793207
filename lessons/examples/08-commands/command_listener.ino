// A command listener on a real Uno (Arduino IDE), cut down to two commands.
// The simulated Uno runs the same steps, written in Python, with more commands:
// simulators/sketches/command_listener.py and the Commands class in _pins.py
const int LED_PIN = 5;
const int HEATER_PIN = 7;  // the relay that switches the heater
String line = "";          // the characters of the line that is arriving

void setup() {
  Serial.begin(9600);
  pinMode(LED_PIN, OUTPUT);
  pinMode(HEATER_PIN, OUTPUT);
  Serial.println("# Blink to Backend Uno: command_listener ready");
}

void run(String command) {
  command.toUpperCase();  // "heater on" works too
  if (command == "HEATER ON") {
    digitalWrite(HEATER_PIN, HIGH);
    Serial.println("OK HEATER ON");
  } else if (command == "HEATER OFF") {
    digitalWrite(HEATER_PIN, LOW);
    Serial.println("OK HEATER OFF");
  } else if (command == "LED ON" || command == "LED OFF") {
    digitalWrite(LED_PIN, command == "LED ON" ? HIGH : LOW);
    Serial.println("OK " + command);
  } else {
    Serial.println("ERR unknown command " + command);
  }
}

void loop() {
  while (Serial.available() > 0) {  // take every byte that has arrived
    char c = Serial.read();
    if (c == '\n') {                // the end of a line: run the command
      line.trim();                  // drops the "\r" some programs send before "\n"
      if (line.length() > 0) {
        run(line);
      }
      line = "";
    } else if (line.length() < 64) {  // a line longer than 64 characters is cut
      line += c;
    }
  }
}
