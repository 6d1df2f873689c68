"""The AlpacaEval files (prompts.jsonl, responses.jsonl.gz, judgments.jsonl.gz) as arrays.

Verdict coding (AlpacaEval's convention, the same as the pipeline's ``preference_winner``):
``preference`` 1 or 1.0 = generator_1 (the baseline, text_davinci_003) preferred, 2 or 2.0 =
generator_2 preferred, 0 = tie, a fraction in (1, 2) leans to the nearer side with 1.5 a tie,
null = the judge's answer could not be parsed upstream. The outcome used throughout is ``y``,
the generator's score against the baseline: 1 win, 0 loss, 0.5 tie (ties count half).

Exclusions, applied in this order and counted in ``exclusions``:

1. ``no_generator_output`` - the verdict names a generator with no outputs in the pool
   (falcon-40b-instruct, all 805 of its rows);
2. ``missing_output`` - the generator has outputs but not for this prompt (gpt35_turbo_instruct
   lacks one prompt);
3. ``unparsable`` - preference is null (kept in the verdict-rate analysis, which counts them).

Lengths are in characters of the recorded output (``len(str)``), as AlpacaEval 2.0 uses.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BASELINE = "text_davinci_003"
FILES = ("prompts.jsonl", "responses.jsonl.gz", "judgments.jsonl.gz")


def read_jsonl(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def outcome(preference) -> float | None:
    """The generator_2 outcome of one recorded preference: 1.0, 0.0, 0.5 (tie) or None."""
    if preference is None:
        return None
    p = float(preference)
    if p != p:  # NaN
        return None
    if p == 0 or p == 1.5:
        return 0.5
    if 1 < p < 2:
        return p - 1.0
    return 0.0 if p <= 1 else 1.0


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class AlpacaEval:
    """Everything loaded once. ``rows`` are all recorded verdicts; ``comparisons`` the analysed
    ones (outputs present), as arrays of equal length."""

    directory: Path
    prompts: dict[str, str]
    outputs: dict[tuple[str, str], str]
    rows: list[dict]
    digests: dict[str, str]
    exclusions: dict = field(default_factory=dict)
    # analysed comparisons (both outputs present; y may be NaN = unparsable)
    prompt_id: np.ndarray = None
    generator: np.ndarray = None
    y: np.ndarray = None
    len_base: np.ndarray = None
    len_gen: np.ndarray = None

    @property
    def generators(self) -> list[str]:
        return sorted(set(self.generator.tolist()))

    @property
    def pool(self) -> list[str]:
        return sorted({g for _, g in self.outputs})

    def parsed(self) -> np.ndarray:
        """Mask of analysed comparisons with a verdict."""
        return ~np.isnan(self.y)

    def prompt_index(self) -> tuple[np.ndarray, int]:
        """Integer cluster id (prompt) of every analysed comparison, and the number of
        prompts, for the clustered bootstrap."""
        ids = sorted(self.prompts)
        where = {p: i for i, p in enumerate(ids)}
        return np.array([where[p] for p in self.prompt_id], dtype=np.int64), len(ids)


def load(directory: str | Path) -> AlpacaEval:
    directory = Path(directory)
    missing = [name for name in FILES if not (directory / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{directory}: missing {', '.join(missing)} (the AlpacaEval "
                                "layout: prompts.jsonl, responses.jsonl.gz, judgments.jsonl.gz)")
    prompts = {r["prompt_id"]: r["instruction"] for r in read_jsonl(directory / FILES[0])}
    outputs = {(r["prompt_id"], r["generator"]): r["output"]
               for r in read_jsonl(directory / FILES[1])}
    rows = list(read_jsonl(directory / FILES[2]))
    pooled = {g for _, g in outputs}
    excluded = {"no_generator_output": {}, "missing_output": {}, "unparsable": 0}
    keep = []
    for row in rows:
        g1, g2, pid = row["generator_1"], row["generator_2"], row["prompt_id"]
        absent = [g for g in (g1, g2) if g not in pooled]
        if absent:
            for g in absent:
                excluded["no_generator_output"][g] = excluded["no_generator_output"].get(g, 0) + 1
            continue
        if (pid, g1) not in outputs or (pid, g2) not in outputs:
            excluded["missing_output"][g2] = excluded["missing_output"].get(g2, 0) + 1
            continue
        if g1 != BASELINE:
            raise ValueError(f"judgments.jsonl.gz: generator_1 is {g1!r}, expected {BASELINE}")
        keep.append(row)
    y = np.array([np.nan if (v := outcome(r["preference"])) is None else v for r in keep])
    excluded["unparsable"] = int(np.isnan(y).sum())
    data = AlpacaEval(
        directory=directory, prompts=prompts, outputs=outputs, rows=rows,
        digests={name: sha256(directory / name) for name in FILES}, exclusions=excluded,
        prompt_id=np.array([r["prompt_id"] for r in keep]),
        generator=np.array([r["generator_2"] for r in keep]),
        y=y,
        len_base=np.array([len(outputs[(r["prompt_id"], r["generator_1"])]) for r in keep],
                          dtype=float),
        len_gen=np.array([len(outputs[(r["prompt_id"], r["generator_2"])]) for r in keep],
                         dtype=float))
    return data


def synthetic(prompt_id, generator, y, len_base, len_gen) -> AlpacaEval:
    """An AlpacaEval object from arrays (tests and hand-built fixtures)."""
    prompt_id = np.asarray(prompt_id)
    return AlpacaEval(
        directory=Path("."), prompts={p: p for p in prompt_id.tolist()}, outputs={}, rows=[],
        digests={}, prompt_id=prompt_id, generator=np.asarray(generator),
        y=np.asarray(y, dtype=float), len_base=np.asarray(len_base, dtype=float),
        len_gen=np.asarray(len_gen, dtype=float))
