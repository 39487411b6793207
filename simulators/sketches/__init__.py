"""The built-in Arduino sketches (each file is loaded afresh for every board reset)."""
