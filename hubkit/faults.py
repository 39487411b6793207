"""Faults on the way between a client and the hub, for tests: an answer that gets lost.

A network can lose the *answer* to a request after the hub has done the work: the hub
stored the reading, but the gateway hears nothing and gets a timeout. The gateway cannot
tell this apart from a request that never arrived, so it sends the reading again. This is
the case that ``seq`` is for.
"""

from __future__ import annotations

from typing import Any

import httpx


class LoseAnswers(httpx.HTTPTransport):
    """An httpx transport that delivers each request, but loses the first ``count`` answers.

    Only answers to ``method`` requests (``POST`` by default) are lost; the client gets
    :class:`httpx.ReadTimeout` instead, as if the answer never came back. :attr:`lost`
    counts the answers lost so far. Use it as ``httpx.Client(transport=LoseAnswers(2))``.
    """

    def __init__(self, count: int = 1, *, method: str = "POST", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.count = count
        self.method = method
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)  # the hub gets the request and answers
        if request.method == self.method and self.lost < self.count:
            self.lost += 1
            response.read()
            response.close()
            raise httpx.ReadTimeout(
                "The answer was lost on its way back (hubkit.LoseAnswers).", request=request
            )
        return response
