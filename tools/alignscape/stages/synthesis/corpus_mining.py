"""Responses mined from existing text (forum answers, web pages, repositories).

Reads the prompt record's ``mined`` field (strings, or objects with ``text`` and metadata
such as ``url``, ``votes``), keeps those of at least ``min_words`` words (default 5) and, when
``require_overlap`` is set, only those sharing a content word with the prompt."""

from __future__ import annotations

from alignscape.stages.base import batched, candidates, trace, words
from alignscape.stages.synthesis.human_written import take_given

OPTION = "synthesis.sources.corpus_mining"


@batched
def apply(records, config, ctx):
    min_words = int(config.get("min_words", 5))
    for record in records:
        before = len(record.get("candidates", []))
        take_given(record, config.get("field", "mined"), "corpus_mining")
        prompt_words = set(words(record["prompt"]))
        for cand in candidates(record)[before:]:
            text_words = words(cand["text"])
            if len(text_words) < min_words:
                cand["excluded"] = f"shorter than {min_words} words"
            elif config.get("require_overlap") and not prompt_words & set(text_words):
                cand["excluded"] = "shares no word with the prompt"
        trace(record, OPTION)
    return records
