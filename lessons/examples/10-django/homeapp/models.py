"""Device and Reading: the hub's two main tables, made small.

After a change to this file, `makemigrations` writes a migration (a file in migrations/)
and `migrate` applies it to the database.
"""

from django.db import models


class Device(models.Model):
    id = models.CharField(primary_key=True, max_length=64)  # a slug such as "kitchen"
    name = models.CharField(max_length=100)

    def __str__(self):
        return f"{self.name} ({self.id})"


class Reading(models.Model):
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="readings")
    sensor = models.CharField(max_length=64)
    value = models.FloatField()
    seq = models.PositiveIntegerField(null=True, blank=True)  # null=True: may be empty (NULL)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "seq"], name="homeapp_reading_device_seq"),
        ]
        indexes = [
            models.Index(fields=["device", "sensor", "recorded_at"], name="homeapp_reading_latest"),
        ]

    def __str__(self):
        return f"{self.device_id}/{self.sensor} = {self.value}"
