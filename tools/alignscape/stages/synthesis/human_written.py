"""Use responses that already exist in the input: human-written answers, or a dataset's.

Input fields read from each prompt record: ``responses`` (a list of strings, or of objects with
``text`` and optionally ``author``/``model``/``votes``/``score``), and ``reference`` (a single
reference answer, kept as a candidate marked ``is_reference``).
config: include_reference (default true), origin (default human_written)."""

from __future__ import annotations

from alignscape.stages.base import add_candidate, add_error, batched, trace

OPTION = "synthesis.sources.human_written"


def take_given(record: dict, field: str, origin: str) -> None:
    for i, item in enumerate(record.get(field) or []):
        if isinstance(item, str):
            add_candidate(record, item, origin, model="human")
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            meta = {k: v for k, v in item.items() if k != "text"}
            meta.setdefault("model", meta.get("author", "human"))
            add_candidate(record, item["text"], origin, **meta)
        else:
            add_error(record, OPTION, f"{field}[{i}] is neither a string nor an object "
                      "with a 'text' string")


@batched
def apply(records, config, ctx):
    origin = config.get("origin", "human_written")
    for record in records:
        take_given(record, config.get("field", "responses"), origin)
        ref = record.get("reference")
        if config.get("include_reference", True) and isinstance(ref, str) and ref.strip():
            if not any(c.get("text") == ref for c in record.get("candidates", [])):
                add_candidate(record, ref, origin, model="reference", is_reference=True)
        trace(record, OPTION)
    return records
