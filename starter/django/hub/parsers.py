"""JSON in: DRF's JSONParser, which already refuses what is not JSON.

With `STRICT_JSON` on (config/settings/base.py) DRF's parser refuses `NaN`, `Infinity` and
`-Infinity`, which Python's json module would accept, and a body that is not UTF-8 is a
parse error too: each is a ParseError, answered 400 malformed_json.
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    """DRF's JSONParser; hardened so that no body, however odd, crashes the parser."""

    def parse(self, stream, media_type=None, parser_context=None):
        """Parse the body as JSON; a ParseError (400) for anything that is not."""
        ### BEGIN SOLUTION (stage 5, addition) answer JSON nested too deeply with 400, not 500
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:  # [[[[...]]]]: Python's json module recurses once per level
            raise ParseError("The JSON body is nested too deeply.") from None
        ### END SOLUTION
        return super().parse(stream, media_type, parser_context)
