"""Candidates that already exist as text: the input's own responses (human-written answers, or
a dataset's) and responses mined from a corpus (forum answers, web pages, repositories)."""

from __future__ import annotations

from alignscape.stages.base import add_candidate, add_error, candidates, words
from alignscape.stages.registry import Param, stage


def take_given(record: dict, field: str, origin: str, option: str) -> None:
    cands = record.setdefault("candidates", [])
    for i, item in enumerate(record.get(field) or []):
        if isinstance(item, str):
            add_candidate(record, item, origin, model="human")
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            # add_candidate's layout (id, text, origin, then the item's other fields, model
            # last when the item has none) in one merge: this runs for every given response.
            cand = {"id": f"c{len(cands)}", "text": None, "origin": origin, **item}
            if "model" not in item:
                cand["model"] = item.get("author", "human")
            cands.append(cand)
        else:
            add_error(record, option, f"{field}[{i}] is neither a string nor an object "
                      "with a 'text' string")


@stage("synthesis.sources.human_written", per_record=True, params={
    "field": Param(str, "responses", "input field holding the responses"),
    "include_responses": Param(bool, True, "take the responses of ``field`` (false: only the "
                               "reference answer)"),
    "include_reference": Param(bool, True, "keep the record's reference answer as a "
                               "candidate marked is_reference"),
    "origin": Param(str, "human_written", "origin written on the candidates")})
def human_written(record, config, ctx):
    """Use responses that already exist in the input: the record's ``responses`` (strings, or
    objects with ``text`` and optionally ``author``/``model``/``votes``/``score``) and its
    ``reference`` answer."""
    if config["include_responses"]:
        take_given(record, config["field"], config["origin"],
                   "synthesis.sources.human_written")
    ref = record.get("reference")
    if config["include_reference"] and isinstance(ref, str) and ref.strip():
        if not any(c.get("text") == ref for c in record.get("candidates", [])):
            add_candidate(record, ref, config["origin"], model="reference", is_reference=True)


@stage("synthesis.sources.corpus_mining", per_record=True, params={
    "field": Param(str, "mined", "input field holding the mined texts"),
    "min_words": Param(int, 5, "shorter texts are excluded"),
    "require_overlap": Param(bool, False, "keep only texts sharing a word with the prompt")})
def corpus_mining(record, config, ctx):
    """Responses mined from existing text: the record's ``mined`` field (strings, or objects
    with ``text`` and metadata such as ``url``, ``votes``), keeping those of at least
    ``min_words`` words and, with ``require_overlap``, only those sharing a content word with
    the prompt."""
    before = len(record.get("candidates", []))
    take_given(record, config["field"], "corpus_mining", "synthesis.sources.corpus_mining")
    prompt_words = set(words(record["prompt"]))
    for cand in candidates(record)[before:]:
        text_words = words(cand["text"])
        if len(text_words) < config["min_words"]:
            cand["excluded"] = f"shorter than {config['min_words']} words"
        elif config["require_overlap"] and not prompt_words & set(text_words):
            cand["excluded"] = "shares no word with the prompt"
