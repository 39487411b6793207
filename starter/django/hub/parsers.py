"""Strict JSON in: UTF-8, no NaN or Infinity, no number too large for a float."""

from __future__ import annotations

import json
import math

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _refuse_constant(name: str) -> float:
    """json calls this for NaN, Infinity and -Infinity: JSON has no such literals."""
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    """Parse a JSON number with a fraction or exponent, refusing one that overflows to infinity."""
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text[:40]} is too large")
    return number


class StrictJSONParser(JSONParser):
    """DRF's JSONParser, but strict: malformed input of any kind is a ParseError (400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        """Decode the body as UTF-8 JSON; say what is wrong when it is not."""
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode("utf-8")
            return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
        except UnicodeDecodeError:
            raise ParseError("The body is not valid UTF-8.") from None
        except RecursionError:
            raise ParseError("The JSON body is nested too deeply.") from None
        except ValueError as exc:  # JSONDecodeError, our refusals, int digit limit
            raise ParseError(f"The body is not valid JSON: {exc}.") from None
