"""Content negotiation for a JSON-only API: always answer JSON, whatever Accept says."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, except that a client's Accept header never causes a 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        """Render with the first renderer, JSON."""
        return renderers[0], renderers[0].media_type
