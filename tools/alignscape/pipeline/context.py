"""What a stage needs from the run: backends by role, model names, the seed, the entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from alignscape.pipeline.backends.base import Backend, BackendError, Request, Response

# Roles a stage may ask for. Any role without its own backend falls back to "default".
ROLES = ("default", "policy", "reference", "teacher", "pool", "judge", "reward", "preference",
         "safety")


@dataclass
class Context:
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
