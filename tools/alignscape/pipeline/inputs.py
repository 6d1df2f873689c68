"""Reading prompt files: JSONL, one object a line, streamed, with located errors.

A line needs a prompt: ``prompt`` (a string, or a list of {role, content} messages whose last
user turn is the prompt), ``instruction`` (AlpacaEval, Alpaca), ``question`` or ``input``;
stages that need more read ``reference``, ``tests``, ``responses``, ``mined`` or ``text``.
``prompt_id`` (or ``id``) names the record; without one, the line number does. A bad line
yields an InputError naming ``file:line`` and the problem; the good lines still run.
This is also where the prompt-source options human_authored, user_logs, existing_datasets
and red_team are served: those prompts exist before the pipeline and are read from the file.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

PROMPT_FIELDS = ("prompt", "instruction", "question", "input")


@dataclass
class InputError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _open(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else \
        open(path, encoding="utf-8")


def count_lines(path: str | Path) -> int:
    with _open(Path(path)) as fh:
        return sum(1 for line in fh if line.strip())


def read_prompts(path: str | Path, *, needs_prompt: bool = True):
    """Yield records (dicts with prompt_id, prompt, ...) or InputError, in file order."""
    path = Path(path)
    seen: dict[str, int] = {}
    with _open(path) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputError(str(path), n, f"not valid JSON ({exc.msg} at column "
                                 f"{exc.colno})")
                continue
            record = parse_row(row, str(path), n, needs_prompt)
            if isinstance(record, InputError):
                yield record
                continue
            pid = record["prompt_id"]
            if pid in seen:
                yield InputError(str(path), n, f"prompt_id {pid!r} already used on line "
                                 f"{seen[pid]} (ids must be unique for resuming to be exact)")
                continue
            seen[pid] = n
            yield record


def parse_row(row, path: str, n: int, needs_prompt: bool = True):
    if not isinstance(row, dict):
        return InputError(path, n, f"expected a JSON object, got {type(row).__name__}")
    record = dict(row)
    prompt = next((row[f] for f in PROMPT_FIELDS if row.get(f) is not None), None)
    if isinstance(prompt, list):
        users = [m.get("content") for m in prompt if isinstance(m, dict)
                 and m.get("role") == "user" and isinstance(m.get("content"), str)]
        if not users:
            return InputError(path, n, "prompt is a list but holds no user message with "
                              "string content")
        record["messages"], prompt = prompt, users[-1]
    if prompt is not None and not isinstance(prompt, str):
        return InputError(path, n, f"prompt must be a string or a list of messages, got "
                          f"{type(prompt).__name__}")
    if (prompt is None or not prompt.strip()) and needs_prompt and not row.get("text"):
        return InputError(path, n, f"no prompt: expected one of {', '.join(PROMPT_FIELDS)} "
                          "(a non-empty string)")
    record["prompt"] = prompt or ""
    pid = row.get("prompt_id", row.get("id"))
    if pid is not None and not isinstance(pid, str | int):
        return InputError(path, n, "prompt_id must be a string or an integer")
    record["prompt_id"] = str(pid) if pid is not None else f"line-{n}"
    for field in ("candidates", "comparisons", "pairs", "judgements", "trace", "errors"):
        record.pop(field, None)  # reserved for the pipeline's own bookkeeping
    return record
