"""The hub app: devices, their readings and the commands queued for them."""
