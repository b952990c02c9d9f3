"""Misbehaviour on request: injected faults and per-route latency.

A :class:`Fault` applies to the next ``times`` requests it matches (or to every one with
``times=None``), or to a seeded, reproducible ``fraction`` of them; the fake applies the
first queued fault that takes a request. A :class:`Latency` rule delays every request it
matches, for as long as it is set.
"""

from __future__ import annotations

import random
from typing import Any

import attrs
from aiohttp import web

__all__ = ["Fault", "Latency"]


def _matches(method: str | None, path: str | None, request: web.Request) -> bool:
    if method is not None and request.method != method.upper():
        return False
    return path is None or path in request.path


@attrs.define
class Fault:
    """One injected misbehaviour, applied to the next ``times`` matching requests.

    What it does: ``status`` answers with that HTTP status (and ``body``, a JSON-able
    object, bytes or text; by default Twilio's error JSON), ``retry_after`` adds a
    ``Retry-After`` header, ``latency`` delays the request (seconds), ``drop`` closes the
    connection without any answer and without processing the request, and
    ``drop_after_commit`` processes it (the handler runs and changes state, as a purchase
    that went through) and then closes the connection without an answer: a lost response.

    Which requests: ``method`` and ``path`` (a substring) restrict which requests match;
    ``skip`` lets that many matching requests through untouched first; ``fraction`` takes
    each later matching request with that probability, drawn from a generator seeded with
    ``seed`` (the same decisions, in order, on every run). ``times`` counts the requests
    taken; ``None`` keeps the fault for every one.
    """

    status: int | None = None
    retry_after: str | None = None
    body: Any = None
    content_type: str | None = None
    latency: float = 0.0
    drop: bool = False
    drop_after_commit: bool = False
    method: str | None = None
    path: str | None = None
    times: int | None = 1
    skip: int = 0
    fraction: float = 1.0
    seed: int = 0
    _draws: random.Random = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.times is not None and self.times < 1:
            raise ValueError("times must be >= 1, or None for every matching request")
        if not 0 < self.fraction <= 1:
            raise ValueError("fraction must be in (0, 1]")
        self._draws = random.Random(self.seed)

    def matches(self, request: web.Request) -> bool:
        """Whether ``request`` has this fault's method and path (not counting it)."""
        return _matches(self.method, self.path, request)

    def take(self, request: web.Request) -> bool:
        """Whether this fault applies to ``request`` (counting it if so)."""
        if not self.matches(request):
            return False
        if self.skip > 0:
            self.skip -= 1
            return False
        if self.fraction < 1 and self._draws.random() >= self.fraction:
            return False
        if self.times is not None:
            self.times -= 1
        return True

    @property
    def used_up(self) -> bool:
        """Whether the fault has taken all the ``times`` requests it was given."""
        return self.times is not None and self.times <= 0


@attrs.frozen
class Latency:
    """Every request matching ``method`` and ``path`` (a substring) waits ``seconds``."""

    seconds: float
    method: str | None = None
    path: str | None = None

    def matches(self, request: web.Request) -> bool:
        """Whether ``request`` has this latency's method and path."""
        return _matches(self.method, self.path, request)
