// blink_and_report: blink every half second AND print the light every two seconds
// (on a real Uno). No delay(): loop() looks at millis() and does each job when it is due.

const unsigned long BLINK_MS = 500;    // how often the LED changes
const unsigned long REPORT_MS = 2000;  // how often the light is printed

bool ledOn = false;
unsigned long lastBlink = 0;           // millis() when the LED last changed
unsigned long lastReport = 0;          // millis() when the light was last printed

void setup() {
  pinMode(LED_BUILTIN, OUTPUT);
  Serial.begin(9600);
}

void loop() {
  unsigned long now = millis();
  if (now - lastBlink >= BLINK_MS) {   // job 1: is it time to change the LED?
    lastBlink = now;
    ledOn = !ledOn;
    digitalWrite(LED_BUILTIN, ledOn ? HIGH : LOW);
  }
  if (now - lastReport >= REPORT_MS) { // job 2: is it time to print the light?
    lastReport = now;
    Serial.print("light:");
    Serial.println(analogRead(A0));
  }
}
