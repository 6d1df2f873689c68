"""What a stage may ask of the run: the backend protocol and the context that holds backends.

This module sits below both ``alignscape.stages`` and ``alignscape.pipeline``: stages talk to
backends only through it, the pipeline builds backends (``alignscape.pipeline.backends``) and
contexts from it. It imports nothing from alignscape.

A backend answers a *list* of requests at once so it can run them concurrently (HTTP) or as
one padded batch (local models). It never raises for one bad request: the Response carries
the error, and the stage records it on the candidate or judgement it was for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Roles a stage may ask for. Any role without its own backend falls back to "default".
ROLES = ("default", "policy", "reference", "teacher", "pool", "judge", "reward", "preference",
         "safety")


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


@dataclass
class Context:
    """Backends by role, model names by role, the run seed and the entry being run.

    A context manager: leaving the ``with`` block closes every backend once (a backend that
    serves several roles is closed once)."""

    backends: dict[str, Backend] = field(default_factory=dict)
    models: dict[str, object] = field(default_factory=dict)
    seed: int = 0
    entry: str | None = None

    def backend(self, role: str) -> Backend:
        found = self.backends.get(role) or self.backends.get("default")
        if found is None:
            raise BackendError(f"no backend for the {role!r} role: give --backend SPEC or "
                               f"--role {role}=SPEC")
        return found

    def model(self, role: str, default=None):
        return self.models.get(role, self.models.get("default", default))

    def generate(self, role: str, requests: list[Request]) -> list[Response]:
        return self.backend(role).generate(requests) if requests else []

    def score(self, role: str, prompts: list[str], responses: list[str]) -> list[Response]:
        return self.backend(role).score(prompts, responses) if prompts else []

    def describe(self) -> dict:
        """Backend names per role, for provenance."""
        return {role: b.name for role, b in self.backends.items()}

    def close(self) -> None:
        for backend in {id(b): b for b in self.backends.values()}.values():
            backend.close()

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
