"""Django's own tests of the hub's admin site: `python manage.py test hub`.

The API itself is tested by the contract suite (tests/, `pytest`), the same suite that
tests the Flask hub. These tests cover what only the Django hub has: the admin.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from .admin import LATEST_SHOWN
from .models import Command, Device, Reading


def make_device(
    device_id: str = "living-room", name: str = "Wohnzimmer ☀", kind: str = "arduino-uno"
) -> tuple[Device, str]:
    """A stored device and its key."""
    device = Device(id=device_id, name=name, kind=kind)
    api_key = device.set_new_api_key()
    device.save()
    return device, api_key


class AdminSiteTests(TestCase):
    """A superuser browses devices, readings and commands; keys never show."""

    def setUp(self) -> None:
        """Log in as a superuser; one device with more readings than the inline shows."""
        user = get_user_model().objects.create_superuser("teacher", "t@example.org", "pw")
        self.client.force_login(user)
        self.device, self.api_key = make_device()
        start = timezone.now() - timedelta(hours=1)
        Reading.objects.bulk_create(
            Reading(
                device=self.device,
                sensor="temperature",
                value=20 + i / 10,
                recorded_at=start + timedelta(minutes=i),
                seq=i,
            )
            for i in range(LATEST_SHOWN + 5)
        )
        Command.objects.create(device=self.device, name="led", value="on")

    def test_device_change_page_shows_latest_readings_but_no_key(self) -> None:
        """The change page renders the newest readings inline and neither key nor hash."""
        url = reverse("admin:hub_device_change", args=[self.device.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertTrue(f"Latest readings (up to {LATEST_SHOWN})" in html, "no readings inline")
        self.assertTrue("<p>22.4</p>" in html, "the newest reading is missing")
        self.assertFalse("<p>20.0</p>" in html, "the oldest reading is beyond the limit")
        self.assertEqual(html.count('class="form-row has_original"'), LATEST_SHOWN + 1)
        self.assertFalse(self.device.api_key_hash in html, "the key hash is shown")
        self.assertFalse(self.api_key in html, "the key is shown")
        self.assertFalse("api_key_hash" in html, "the key hash field is shown")

    def test_device_list_searches_and_filters(self) -> None:
        """Search by name and filter by kind both find the device."""
        make_device("kitchen", name="Küche", kind="raspberry-pi")
        url = reverse("admin:hub_device_changelist")
        found = self.client.get(url, {"q": "Wohnzimmer"}).content.decode()
        self.assertTrue("living-room" in found and "Küche" not in found, "search by name")
        by_kind = self.client.get(url, {"kind": "raspberry-pi"}).content.decode()
        self.assertTrue("Küche" in by_kind and "Wohnzimmer" not in by_kind, "filter by kind")

    def test_adding_a_device_shows_its_new_key_once(self) -> None:
        """A device added in the admin gets a key, shown in the message, stored as a hash."""
        url = reverse("admin:hub_device_add")
        form = {"id": "porch", "name": "Porch", "kind": "raspberry-pi"}
        inlines = {
            "readings-TOTAL_FORMS": "0",
            "readings-INITIAL_FORMS": "0",
            "commands-TOTAL_FORMS": "0",
            "commands-INITIAL_FORMS": "0",
        }
        response = self.client.post(url, {**form, **inlines}, follow=True)
        self.assertEqual(response.status_code, 200)
        device = Device.objects.get(pk="porch")
        message = next(str(m) for m in response.context["messages"] if "API key" in str(m))
        api_key = message.rsplit(" ", 1)[-1]
        self.assertTrue(device.has_api_key(api_key))
        self.assertNotIn(device.api_key_hash, response.content.decode())

    def test_reading_and_command_lists_render_with_filters(self) -> None:
        """The reading list filters by sensor, the command list by status."""
        readings = self.client.get(
            reverse("admin:hub_reading_changelist"), {"sensor": "temperature"}
        )
        self.assertContains(readings, "temperature")
        commands = self.client.get(reverse("admin:hub_command_changelist"), {"status": "pending"})
        self.assertContains(commands, "led")


class DeviceKeyTests(TestCase):
    """Only a hash of a device's key is stored, and compared in constant time."""

    def test_key_is_stored_as_a_hash(self) -> None:
        """The stored hash is not the key, and only the right key matches it."""
        device, api_key = make_device()
        stored = Device.objects.get(pk=device.pk)
        self.assertNotEqual(stored.api_key_hash, api_key)
        self.assertEqual(len(stored.api_key_hash), 64)
        self.assertTrue(stored.has_api_key(api_key))
        self.assertFalse(stored.has_api_key(api_key + "x"))
