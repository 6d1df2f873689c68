"""Reading prompt files: JSONL, one object a line, streamed, with located errors.

A line needs a prompt: ``prompt`` (a string, or a conversation: a list of {role, content}
messages; every turn through the last user turn is kept in ``messages`` and sent to the
model, ``prompt`` is then its transcript), ``instruction`` (AlpacaEval, Alpaca), ``question``
or ``input``; stages that need more read ``reference``, ``tests``, ``responses``, ``mined``,
``text`` or ``annotations`` (the line's own verdicts, read by the human-annotation stage).
``prompt_id`` (or ``id``) names the record; without one, the line number does. A bad line
yields an InputError naming ``file:line`` and the problem; the good lines still run.
This is also where the prompt-source options human_authored, user_logs, existing_datasets
and red_team are served: those prompts exist before the pipeline and are read from the file.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

from alignscape.stages.instantiation.encoding import loads

PROMPT_FIELDS = ("prompt", "instruction", "question", "input")


@dataclass
class InputError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _json_problem(text: str, exc: ValueError) -> str:
    """The stdlib parser's message and column: orjson's columns count from the line's start
    byte differently, and the message must point where the line breaks."""
    import json

    try:
        json.loads(text.rstrip("\r\n"))
    except json.JSONDecodeError as std:
        exc = std
    return (f"not valid JSON ({getattr(exc, 'msg', exc)} at "
            f"column {getattr(exc, 'colno', '?')})")


MAX_LINE_BYTES = 64 * 1024 * 1024  # a longer line is an input error, never loaded whole


def _open(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def raw_lines(path: str | Path, max_bytes: int = MAX_LINE_BYTES):
    """(line number, bytes or InputError) for every line that is not blank, undecoded (the
    JSON parser checks UTF-8 itself; ``lines`` says where a bad byte is). A UTF-8 byte-order
    mark on line 1 is dropped; a line over ``max_bytes`` is skipped (read in chunks, never
    held) and reported."""
    path = Path(path)
    with _open(path) as fh:
        readline, n = fh.readline, 0
        while True:
            raw = readline(max_bytes + 1)
            if not raw:
                return
            n += 1
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):
                    raw = readline(1 << 20)
                yield n, InputError(str(path), n, f"line longer than {max_bytes} bytes; "
                                    "skipped (the limit keeps memory bounded)")
                continue
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            # Blank as str.strip() sees it: ASCII whitespace here, other Unicode spaces after
            # decoding (in lines()).
            if raw.isspace() or not raw:
                continue
            yield n, raw


def decode(path: str | Path, n: int, raw: bytes):
    """The line's text, or an InputError naming the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputError(str(path), n, f"not UTF-8 (byte {exc.start + 1} of the line: "
                          f"{raw[exc.start:exc.start + 1]!r})")


def lines(path: str | Path, max_bytes: int = MAX_LINE_BYTES):
    """(line number, text or InputError) for every non-blank line. Bytes are decoded line by
    line, so a bad byte is an error of its line only; a UTF-8 byte-order mark on line 1 is
    accepted; a line over ``max_bytes`` is skipped (read in chunks, never held) and reported."""
    for n, raw in raw_lines(path, max_bytes):
        text = raw if isinstance(raw, InputError) else decode(path, n, raw)
        if isinstance(text, InputError) or text.strip():
            yield n, text


def count_lines(path: str | Path, max_bytes: int = MAX_LINE_BYTES) -> int:
    return scan(path, max_bytes)[0]


def scan(path: str | Path, max_bytes: int = MAX_LINE_BYTES) -> tuple[int, bool]:
    """(lines read_prompts will yield an item for, whether any prompt is a conversation of
    more than one turn), in one cheap pass: lines are not decoded unless they are not ASCII,
    and only lines that mention a role are parsed."""
    n, conversations = 0, False
    for i, raw in raw_lines(path, max_bytes):
        if isinstance(raw, InputError):
            n += 1
            continue
        if not raw.isascii():
            text = decode(path, i, raw)
            if isinstance(text, str) and not text.strip():
                continue
        n += 1
        if not conversations and b'"role"' in raw:
            try:
                row = loads(raw)
            except ValueError:
                continue
            prompt = next((row.get(f) for f in PROMPT_FIELDS if isinstance(row, dict)
                           and row.get(f) is not None), None)
            conversations = isinstance(prompt, list) and len(prompt) > 1
    return n, conversations


def read_prompts(path: str | Path, *, needs_prompt: bool = True,
                 max_line_bytes: int = MAX_LINE_BYTES, lines: bool = False):
    """Yield records (dicts with prompt_id, prompt, ...) or InputError, in file order. With
    ``lines``, each record comes as (record, its line number, the line's bytes): what
    ``record_of`` turns back into the same record (a forked worker's input, cheaper to send
    than the record)."""
    path = Path(path)
    seen: dict[str, int] = {}
    where = str(path)
    for n, raw in raw_lines(path, max_line_bytes):
        if isinstance(raw, InputError):
            yield raw
            continue
        try:
            row = loads(raw)
        except ValueError as exc:
            # Bad bytes first: a line that is not UTF-8 is reported as that, where the byte is.
            text = decode(path, n, raw)
            if isinstance(text, InputError):
                yield text
            elif not text.strip():
                continue
            else:
                yield InputError(where, n, _json_problem(text, exc))
            continue
        record = parse_row(row, where, n, needs_prompt, reuse=True)
        if isinstance(record, InputError):
            yield record
            continue
        pid = record["prompt_id"]
        if pid in seen:
            yield InputError(where, n, f"prompt_id {pid!r} already used on line "
                             f"{seen[pid]} (ids must be unique for resuming to be exact)")
            continue
        seen[pid] = n
        yield (record, n, raw) if lines else record


def record_of(path: str, n: int, raw: bytes) -> dict:
    """The record of line ``n`` that read_prompts yielded (and so checked) with ``lines``."""
    return parse_row(loads(raw), path, n, reuse=True)


ROLES = ("system", "user", "assistant", "tool")
# Fields the pipeline writes itself: dropped from an input line (a failures.jsonl line fed back
# as --prompts carries some of them).
RESERVED = ("candidates", "comparisons", "pairs", "judgements", "trace", "errors",
            "candidate_errors", "judgement_errors", "messages", "input_fields", "input_prompt")
_RESERVED = frozenset(RESERVED)


def transcript(messages: list[dict]) -> str:
    """A conversation as one text, for judges and templates that quote the prompt."""
    return "\n\n".join(f"{m['role'].capitalize()}: {m['content']}" for m in messages)


def parse_row(row, path: str, n: int, needs_prompt: bool = True, *, reuse: bool = False):
    """The record of one parsed line, or an InputError. With ``reuse`` the row itself becomes
    the record (the caller hands over a freshly parsed line): copying every line's dict is a
    large part of reading, and a line without reserved fields comes out the same either way."""
    if not isinstance(row, dict):
        return InputError(path, n, f"expected a JSON object, got {type(row).__name__}")
    if _RESERVED.isdisjoint(row):
        fields = list(row)
        record = row if reuse else dict(row)
    else:
        fields = [k for k in row if k not in _RESERVED]
        record = {k: row[k] for k in fields}
    prompt = row.get("prompt")
    if prompt is None:
        prompt = next((row[f] for f in PROMPT_FIELDS[1:] if row.get(f) is not None), None)
    if prompt.__class__ is not str:
        prompt = _conversation_prompt(record, prompt, path, n)
        if isinstance(prompt, InputError):
            return prompt
    if (prompt is None or not prompt.strip()) and needs_prompt and not row.get("text"):
        return InputError(path, n, f"no prompt: expected one of {', '.join(PROMPT_FIELDS)} "
                          "(a non-empty string)")
    # Which fields the line had, so failures.jsonl can give the line back whole.
    record["input_fields"] = fields
    record["prompt"] = prompt or ""
    pid = row["prompt_id"] if "prompt_id" in row else row.get("id")
    if pid.__class__ is str:
        record["prompt_id"] = pid
    elif pid is None:
        record["prompt_id"] = f"line-{n}"
    elif isinstance(pid, str | int):
        record["prompt_id"] = str(pid)
    else:
        return InputError(path, n, "prompt_id must be a string or an integer")
    return record


def _conversation_prompt(record: dict, prompt, path: str, n: int):
    """The prompt text of a prompt that is not a plain string (a conversation, kept in
    ``record['messages']``; or None), or an InputError."""
    if isinstance(prompt, list):
        for i, m in enumerate(prompt):
            if not isinstance(m, dict) or m.get("role") not in ROLES or \
                    not isinstance(m.get("content"), str):
                return InputError(path, n, f"prompt[{i}]: expected {{role: "
                                  f"{'|'.join(ROLES)}, content: string}}")
        last = max((i for i, m in enumerate(prompt) if m["role"] == "user"), default=None)
        if last is None:
            return InputError(path, n, "prompt is a list but holds no user message")
        # The whole conversation through its last user turn: every prior turn is sent to the
        # model and written as the TRL conversational prompt (turns after it are answers).
        msgs = [{"role": m["role"], "content": m["content"]} for m in prompt[:last + 1]]
        record["messages"] = msgs
        record["input_prompt"] = prompt
        prompt = msgs[0]["content"] if len(msgs) == 1 else transcript(msgs)
    if prompt is not None and not isinstance(prompt, str):
        return InputError(path, n, f"prompt must be a string or a list of messages, got "
                          f"{type(prompt).__name__}")
    return prompt


def input_row(record: dict) -> dict:
    """The input line a record came from (its fields as read), with its prompt_id."""
    fields = record.get("input_fields")
    if fields is None:
        return {"prompt_id": record.get("prompt_id"), "prompt": record.get("prompt")}
    row = {k: record.get(k) for k in fields}
    if "input_prompt" in record:
        for k in PROMPT_FIELDS:
            if isinstance(row.get(k), str) and k in fields:
                row[k] = record["input_prompt"]
                break
    row["prompt_id"] = record.get("prompt_id")
    return row
