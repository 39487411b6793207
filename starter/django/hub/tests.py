"""Django's own tests of the hub's admin site and given helpers: `python manage.py test hub`.

The API itself is tested by the contract suite (tests/, `pytest`), the same suite that
tests the Flask hub. These tests cover what only the Django hub has: the admin, and the
helpers written for you (the cursor of a page, the number checks, the overflow-safe mean).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from .admin import LATEST_SHOWN
from .models import Command, Device, Reading
from .pagination import after, decode_cursor, encode_cursor
from .serializers import fits_a_float
from .views import mean_without_overflow


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


class HelperTests(TestCase):
    """The helpers beside the views work as their docstrings say."""

    def test_a_cursor_names_the_reading_it_was_made_from(self) -> None:
        """A cursor decodes to its reading's time and id; the next page starts after it."""
        device, _ = make_device()
        moment = timezone.now()
        older, same, newer = (
            Reading.objects.create(device=device, sensor="t", value=v, recorded_at=at)
            for v, at in ((1, moment - timedelta(seconds=1)), (2, moment), (3, moment))
        )
        position = decode_cursor(encode_cursor(newer))
        self.assertEqual(position, (newer.recorded_at, newer.id))
        rest = Reading.objects.filter(after(position)).order_by("-recorded_at", "-id")
        self.assertEqual(list(rest), [same, older])

    def test_a_cursor_the_hub_did_not_make_is_refused(self) -> None:
        """Garbage, base64 of other text and a naive time are all ValueError."""
        for cursor in ("garbage", "!!!", "eyJ4IjogMX0", "MjAyNS0wMy0wMVQwODowMDowMHwx"):
            with self.subTest(cursor=cursor), self.assertRaises(ValueError):
                decode_cursor(cursor)

    def test_fits_a_float(self) -> None:
        """Finite numbers fit; 1e400 (infinity) and a 400-digit integer do not."""
        self.assertTrue(fits_a_float(1e308) and fits_a_float(-3) and fits_a_float(0.0))
        self.assertFalse(fits_a_float(float("inf")) or fits_a_float(10**400))

    def test_mean_without_overflow(self) -> None:
        """Two values of 1e308 have the mean 1e308, although their sum is no float."""
        device, _ = make_device()
        now = timezone.now()
        for _ in range(2):
            Reading.objects.create(device=device, sensor="t", value=1e308, recorded_at=now)
        self.assertEqual(mean_without_overflow(device.readings.all(), 2), 1e308)
