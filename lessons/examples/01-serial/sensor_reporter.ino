// sensor_reporter on a real Uno (Arduino IDE + Adafruit's DHT library).
// The simulated Uno runs the same steps, written in Python:
// simulators/sketches/sensor_reporter.py
#include <DHT.h>

DHT dht(2, DHT22);  // the DHT22's data leg on pin D2
unsigned long seq = 0;

void printValue(float value) {
  if (isnan(value)) {
    Serial.print("null");  // the read failed: never invent a number
  } else {
    Serial.print(value, 1);
  }
}

void setup() {
  Serial.begin(9600);  // the computer must open the port at 9600 too
  dht.begin();
  Serial.println("# Blink to Backend Uno: sensor_reporter ready");
}

void loop() {
  float temperature = dht.readTemperature();  // NAN on a bad checksum
  float humidity = dht.readHumidity();
  Serial.print("{\"seq\":");
  Serial.print(seq);
  Serial.print(",\"ms\":");
  Serial.print(millis());
  Serial.print(",\"temperature\":");
  printValue(temperature);
  Serial.print(",\"humidity\":");
  printValue(humidity);
  Serial.print(",\"light\":");
  Serial.print(analogRead(A0));
  Serial.print(",\"motion\":");
  Serial.print(digitalRead(4));
  Serial.println("}");  // println ends the line with "\r\n"
  seq++;
  delay(1000);
}
