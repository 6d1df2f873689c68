"""The backend interface every stage talks to.

A backend answers a *list* of requests at once so it can run them concurrently (HTTP) or as
one padded batch (local models). It never raises for one bad request: the Response carries
the error, and the stage records it on the candidate or judgement it was for.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class BackendError(Exception):
    """A backend cannot be used at all (bad configuration, missing files)."""


@dataclass
class Request:
    messages: list[dict]
    model: str | None = None
    temperature: float = 0.0
    top_p: float = 1.0
    max_tokens: int = 512
    seed: int | None = None
    stop: list[str] | None = None
    # What a replay backend looks responses up by (prompt_id, generator); ignored elsewhere.
    key: dict = field(default_factory=dict)


@dataclass
class Response:
    text: str | None
    model: str | None = None
    error: str | None = None
    attempts: int = 1
    meta: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and self.text is not None


class Backend:
    """Generation (``generate``) and/or scoring (``score``); ``name`` goes into provenance."""

    name = "backend"
    can_generate = True
    can_score = False

    def generate(self, requests: list[Request]) -> list[Response]:
        raise BackendError(f"{self.name} cannot generate text")

    def score(self, prompts: list[str], responses: list[str]) -> list[Response]:
        """One Response per (prompt, response); ``meta['score']`` holds the float."""
        raise BackendError(f"{self.name} cannot score responses")

    def close(self) -> None:
        pass
