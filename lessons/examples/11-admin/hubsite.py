"""The Django hub of the course (starter/django), set up for this lesson's examples.

On your own computer you run the hub with ``python manage.py serve``, create a superuser
with ``python manage.py createsuperuser``, and open http://127.0.0.1:8000/admin/ in a
browser. These examples do the same without a server and without a browser, so that they
run anywhere and print the same thing every time:

- ``import hubsite`` sets Django up with the hub's test settings and an empty database in
  memory, creates the tables (``migrate``) and stores three devices and their readings,
  with fixed times;
- ``logged_in()`` gives Django's test client, logged in as a superuser;
- ``table()``, ``form_fields()`` and ``texts()`` read an admin page the way your eyes do:
  the rows of its list, the fields of its form, the text of some elements.
"""

from __future__ import annotations

import contextlib
import os
import sys
import types
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

STARTER = Path(__file__).resolve().parents[3] / "starter" / "django"

# --8<-- [start:setup]
sys.path.insert(0, str(STARTER))  # the hub's packages: config (settings, URLs) and hub
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = "sqlite://:memory:"  # a database in memory, empty at each run

import django  # noqa: E402  (Django is imported once its settings are chosen)

django.setup()  # read the settings, load the apps (and each app's admin.py)

from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

call_command("migrate", verbosity=0)  # create the tables


def logged_in() -> Client:
    """Django's test client, logged in as the superuser "teacher" (made the first time)."""
    users = get_user_model().objects
    teacher = users.filter(username="teacher").first()
    if teacher is None:
        teacher = users.create_superuser("teacher", "teacher@example.org", "a-long-password")
    client = Client()
    client.force_login(teacher)  # log in without the form: tests do it this way
    return client
# --8<-- [end:setup]


# --8<-- [start:using]
@contextlib.contextmanager
def using(site: admin.AdminSite) -> Iterator[None]:
    """Serve `site` at /admin/ instead of the hub's admin, inside the `with` block.

    The hub's config/urls.py says ``path("admin/", admin.site.urls)``: a site's pages are
    URLs. Here the URLs are those of another site, made by the example."""
    urls = types.ModuleType("example_urls")
    urls.urlpatterns = [path("admin/", site.urls)]
    with override_settings(ROOT_URLCONF=urls):
        yield
# --8<-- [end:using]


from hub.models import Command, Device, Reading, hash_key  # noqa: E402

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def add_device(device_id: str, name: str, kind: str, minutes: int) -> Device:
    """Store a device made `minutes` after START; its key is "demo-key-<id>"."""
    return Device.objects.create(
        id=device_id, name=name, kind=kind, api_key_hash=hash_key(f"demo-key-{device_id}"),
        created_at=START + timedelta(minutes=minutes))


def add_samples(device: Device, samples: list[dict[str, float]]) -> None:
    """Store one sample every 10 minutes from START: one reading per sensor, numbered
    from 1 (`seq`), as a device sends them."""
    units = {"temperature": "C", "humidity": "%", "light": "lx"}
    seq = 0
    for i, sample in enumerate(samples):
        at = START + timedelta(minutes=10 * i)
        for sensor, value in sample.items():
            seq += 1
            Reading.objects.create(device=device, sensor=sensor, value=value,
                                   unit=units[sensor], recorded_at=at, received_at=at, seq=seq)
    device.last_seen_at = START + timedelta(minutes=10 * (len(samples) - 1))
    device.save()


def add_sample_data() -> None:
    """Three devices: the living room's Uno has reported for two hours, the kitchen's Uno
    and the porch's Pi for 20 minutes."""
    living_room = add_device("living-room", "Living room", "arduino-uno", 0)
    kitchen = add_device("kitchen", "Kitchen", "arduino-uno", 5)
    porch = add_device("porch", "Porch", "raspberry-pi", 10)
    temperatures = [19.5, 19.7, 19.8, 20.0, 20.3, 20.6, 20.8, 21.0, 21.1, 21.2, 21.1, 21.0]
    humidities = [48.0, 47.5, 47.1, 46.8, 46.6, 46.5, 46.5, 46.4, 46.2, 46.1, 46.1, 46.0]
    add_samples(living_room, [{"temperature": t, "humidity": h}
                              for t, h in zip(temperatures, humidities, strict=True)])
    add_samples(kitchen, [{"temperature": t} for t in (22.4, 22.9, 23.5)])
    add_samples(porch, [{"light": lux} for lux in (310.0, 295.0, 280.0)])
    Command.objects.create(device=living_room, name="led", value="on",
                           created_at=START + timedelta(minutes=30))


add_sample_data()


class Page(HTMLParser):
    """An HTML page as a tree of elements: {"tag", "attrs", "children", "text"}."""

    VOID = {"input", "br", "meta", "img", "link", "hr"}  # elements without an end tag

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = {"tag": "", "attrs": {}, "children": [], "text": ""}
        self.open = [self.root]
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        element = {"tag": tag, "attrs": dict(attrs), "children": [], "text": ""}
        self.open[-1]["children"].append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth]["tag"] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1]["children"].append(data)


def text_of(element: dict | str) -> str:
    """The text inside an element, with white space squeezed."""
    if isinstance(element, str):
        return element
    return " ".join("".join(text_of(child) for child in element["children"]).split())


def find_all(element: dict, tag: str, **attrs: str) -> list[dict]:
    """Every element `tag` inside `element` whose attributes contain `attrs` (class: one
    of its classes)."""
    found = []
    for child in element["children"]:
        if isinstance(child, str):
            continue
        if child["tag"] == tag and all(
            value in child["attrs"].get(name.rstrip("_"), "").split()
            for name, value in attrs.items()
        ):
            found.append(child)
        found.extend(find_all(child, tag, **attrs))
    return found


def table(html: str, element_id: str = "result_list") -> list[list[str]]:
    """The rows of the table in the element `element_id`: the column titles, then one list
    per row. The default is the list page's table; a device's readings on its page are in
    "readings-group". Columns without data (checkboxes, links) are left out."""
    around = [e for tag in ("table", "div") for e in find_all(Page(html).root, tag)
              if e["attrs"].get("id") == element_id]
    tables = find_all(around[0], "table") if around and around[0]["tag"] == "div" else around
    if not tables:
        return []
    rows = []
    for row in find_all(tables[0], "tr"):
        cells = [c for c in row["children"] if isinstance(c, dict) and c["tag"] in ("th", "td")]
        if "empty-form" in row["attrs"].get("class", ""):
            continue  # the model of a new row, hidden in the page
        rows.append([cell_text(c) for c in cells if has_data(c)])
    return rows


def has_data(cell: dict) -> bool:
    """Whether a cell holds data (not a checkbox, a link to the row, nor an empty title)."""
    classes = set(cell["attrs"].get("class", "").split())
    if classes & {"action-checkbox", "action-checkbox-column", "original", "delete"}:
        return False
    return bool(classes or text_of(cell))


def cell_text(cell: dict) -> str:
    """A cell's text; for a column title, without the sorting marks beside it."""
    titles = find_all(cell, "div", class_="text")
    return text_of(titles[0] if titles else cell)


def form_fields(html: str) -> list[str]:
    """The names of the fields a person can fill in on the page's form (not the hidden ones)."""
    names = []
    for tag in ("input", "select", "textarea"):
        for field in find_all(Page(html).root, tag):
            kind = field["attrs"].get("type", "text")
            name = field["attrs"].get("name", "__prefix__")  # __prefix__: a row's model
            if "__prefix__" not in name and kind not in ("hidden", "submit"):
                names.append(name)
    return names


def texts(html: str, tag: str, **attrs: str) -> list[str]:
    """The text of every element `tag` (with `attrs`) of the page."""
    return [text_of(element) for element in find_all(Page(html).root, tag, **attrs)]


def filters(html: str) -> list[str]:
    """The filters beside a list page, one line each: "By kind: All | [arduino-uno] | ...",
    the chosen option in brackets."""
    lines = []
    for box in find_all(Page(html).root, "details"):
        options = [f"[{text_of(li)}]" if "selected" in li["attrs"].get("class", "")
                   else text_of(li) for li in find_all(box, "li")]
        title = text_of(find_all(box, "summary")[0])
        lines.append(f"{title}: {' | '.join(options)}")
    return lines


def shown_fields(html: str) -> list[str]:
    """The fields of a change page that are shown but cannot be changed: "Label value"."""
    shown = []
    for row in find_all(Page(html).root, "div", class_="form-row"):
        labels = find_all(row, "label")
        values = find_all(row, "div", class_="readonly")
        if labels and values:
            shown.append(f"{text_of(labels[0])} {text_of(values[0])}")
    return shown
