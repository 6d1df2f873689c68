"""Shared by the prompt-source stages: ask a model to write text about each record."""

from __future__ import annotations

from alignscape.pipeline.backends.base import Request
from alignscape.stages.base import add_error, derived_seed, user_messages


def ask(records, ctx, role, template, config, salt, fields=lambda r: r):
    """One request per record; returns the texts (None where the request failed, with the
    error recorded on the record)."""
    reqs = [Request(user_messages(template.format(**fields(r))),
                    temperature=float(config.get("temperature", 0.7)),
                    max_tokens=int(config.get("max_tokens", 256)),
                    seed=derived_seed(ctx, r, salt)) for r in records]
    out = []
    for record, resp in zip(records, ctx.generate(role, reqs), strict=True):
        if not resp.ok:
            add_error(record, salt, resp.error)
        out.append(resp.text.strip() if resp.ok else None)
    return out
