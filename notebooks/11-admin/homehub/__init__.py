"""homehub: the hub's devices and readings, made small, for the admin notebook."""
