"""Exercise: what does the plain ReadingSerializer make of bodies the contract refuses?"""

import json

from reading_serializer import ReadingSerializer

bodies = [
    {"sensor": "temperature", "value": "21.5"},  # 1. the number as a string
    {"sensor": "temperature", "value": True},  # 2. a boolean
    {"sensor": 42, "value": 21.5},  # 3. a number as the sensor
    {"sensor": "temperature", "value": 21.5, "colour": "red"},  # 4. a field nobody asked for
    {"sensor": "temperature", "value": 21.5, "unit": None},  # 5. null for the unit
]
for number, body in enumerate(bodies, start=1):
    serializer = ReadingSerializer(data=body)
    if serializer.is_valid():
        print(f"{number}. valid:  ", serializer.validated_data)
    else:
        print(f"{number}. refused:", json.dumps(serializer.errors))
