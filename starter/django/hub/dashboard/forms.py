"""The dashboard's forms: the log-in (the admin token) and the command buttons.

A Django form checks what a browser sent: each field cleans its value (`form.is_valid()`,
then `form.cleaned_data`) or says what is wrong with it (`form.errors`).
"""

from __future__ import annotations

import hmac

from django import forms
from django.conf import settings

# --8<-- [start:buttons]
BUTTONS = [
    ("led", "on", "LED on"),
    ("led", "off", "LED off"),
    ("heater", "on", "Heater on"),
    ("heater", "off", "Heater off"),
    ("lamp", "on", "Lamp on"),
    ("lamp", "off", "Lamp off"),
]
"""The command buttons of a device's page: (name, value, label). Only these are queued."""


class CommandForm(forms.Form):
    """A pressed button: its command is one of BUTTONS, such as "heater on"."""

    command = forms.ChoiceField(
        choices=[(f"{name} {value}", label) for name, value, label in BUTTONS]
    )

    def name_and_value(self) -> tuple[str, str]:
        """The command's name and value: ("heater", "on"). Call it after is_valid()."""
        name, _, value = self.cleaned_data["command"].partition(" ")
        return name, value
# --8<-- [end:buttons]


# --8<-- [start:login]
def is_admin_token(token: str) -> bool:
    """Whether ``token`` is the admin token, compared in constant time."""
    return hmac.compare_digest(token.encode(), str(settings.HUB_ADMIN_TOKEN).encode())


class LoginForm(forms.Form):
    """The log-in form: one field, the admin token, which must be the right one."""

    token = forms.CharField(
        label="Admin token",
        strip=False,  # compare what was pasted, as it is
        widget=forms.PasswordInput(attrs={"autofocus": True}),
    )

    def clean_token(self) -> str:
        """Refuse any token but the admin token."""
        token = self.cleaned_data["token"]
        if not is_admin_token(token):
            raise forms.ValidationError("That is not the admin token.", code="wrong_token")
        return token
# --8<-- [end:login]
