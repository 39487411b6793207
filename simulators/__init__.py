"""Software Arduino Uno and Raspberry Pi boards for Blink to Backend."""
