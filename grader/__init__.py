"""Release, grade and export Blink to Backend assignments."""
