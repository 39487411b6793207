// Blink: the built-in LED on for a second, off for a second (on a real Uno).

void setup() {                      // runs once, after every reset
  pinMode(LED_BUILTIN, OUTPUT);     // pin 13 drives the built-in LED
}

void loop() {                       // runs again and again
  digitalWrite(LED_BUILTIN, HIGH);  // 5 volts on pin 13: the LED lights
  delay(1000);                      // wait 1000 ms; nothing else happens meanwhile
  digitalWrite(LED_BUILTIN, LOW);   // 0 volts: the LED goes dark
  delay(1000);
}
