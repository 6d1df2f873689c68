"""Recorded responses served as if a model had written them, so a pipeline runs offline.

Reads the AlpacaEval layout (prompts.jsonl, responses.jsonl.gz, judgments.jsonl.gz): a request
for model M on prompt P returns M's recorded output for P. A missing recording is an error on
that request (recorded on the candidate), never a made-up answer.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from alignscape.runtime import Backend, BackendError, Request, Response


def _read_jsonl(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


class ReplayBackend(Backend):
    name = "replay"

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        path = self.directory / "responses.jsonl.gz"
        if not path.is_file():
            path = self.directory / "responses.jsonl"
        if not path.is_file():
            raise BackendError(f"replay: no responses.jsonl(.gz) in {self.directory}")
        self.responses: dict[tuple[str, str], str] = {}
        for row in _read_jsonl(path):
            self.responses[(row["prompt_id"], row["generator"])] = row["output"]
        self.generators = sorted({g for _, g in self.responses})
        self.name = f"replay:{self.directory.name}"

    def generate(self, requests: list[Request]) -> list[Response]:
        out = []
        for req in requests:
            pid, model = req.key.get("prompt_id"), req.model or req.key.get("generator")
            text = self.responses.get((pid, model))
            if text is None:
                out.append(Response(None, model, error=f"replay: no recorded response of "
                                    f"{model!r} for prompt {pid!r}"))
            else:
                out.append(Response(text, model, meta={"replayed": True}))
        return out

    def verdicts(self) -> list[dict]:
        """The recorded pairwise judgements (judgments.jsonl.gz), as stored upstream."""
        path = self.directory / "judgments.jsonl.gz"
        return list(_read_jsonl(path)) if path.is_file() else []
