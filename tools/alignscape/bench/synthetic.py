"""Synthetic catalogs: the real taxonomy, trade-off rules, references and entries (the taxonomy's
examples name real entries), topped up with generated entries that pass validation to any size.
For scale tests and benchmarks; never committed."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

from alignscape.catalog.bibliography import load_bibliography
from alignscape.catalog.loader import load_catalog
from alignscape.model import Catalog
from alignscape.taxonomy import Taxonomy

KINDS = ("method", "dataset", "system", "objective", "benchmark")
WORDS = ("preference", "reward", "feedback", "judge", "policy", "contrastive", "iterative",
         "self", "critique", "margin", "ranking", "verifier", "step", "safety", "online")


def write_synthetic_catalog(source_root: Path, target_root: Path, count: int,
                            seed: int = 0) -> Path:
    """Copy source_root's catalog into target_root/catalog and add generated entries until it
    holds `count` entries (at least the real ones). Returns target_root."""
    src = Path(source_root) / "catalog"
    dst = Path(target_root) / "catalog"
    (dst / "entries").mkdir(parents=True, exist_ok=True)
    for name in ("taxonomy.yaml", "tradeoffs.yaml", "references.bib"):
        shutil.copyfile(src / name, dst / name)
    real = sorted((src / "entries").glob("*.yaml"))
    for path in real:
        shutil.copyfile(path, dst / "entries" / path.name)
    taxonomy = Taxonomy.from_data(yaml.safe_load((src / "taxonomy.yaml").read_text("utf-8")))
    bibliography, _ = load_bibliography(src / "references.bib", "references.bib")
    refs = [(key, ref.year) for key, ref in sorted(bibliography.references.items()) if ref.year]
    rng = random.Random(seed)
    for n in range(max(count - len(real), 0)):
        entry = synthetic_entry(n, taxonomy, refs, rng)
        (dst / "entries" / f"{entry['id']}.yaml").write_text(
            yaml.safe_dump(entry, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return Path(target_root)


def synthetic_entry(n: int, taxonomy: Taxonomy, refs: list[tuple[str, int]],
                    rng: random.Random) -> dict:
    key, year = refs[rng.randrange(len(refs))]
    words = rng.sample(WORDS, 3)
    pipeline: dict = {}
    for group in taxonomy.stages:
        stage: dict = {}
        for dim in group.dimensions:
            if dim.derived_from or (dim.id != group.dimensions[0].id and rng.random() < 0.3):
                continue
            stage[dim.id] = _pick(dim, rng)
        stage["evidence"] = f"Synthetic entry {n}: section {rng.randint(1, 9)} of the paper."
        stage["confidence"] = rng.choice(("high", "medium", "low"))
        pipeline[group.id] = stage
    for group in taxonomy.groups:
        if group.kind == "pipeline":
            for dim in group.dimensions:
                pipeline[dim.id] = _pick(dim, rng)
    training = {}
    for group in taxonomy.groups:
        if group.kind == "training":
            training = {dim.id: _pick(dim, rng) for dim in group.dimensions}
    entry = {
        "id": f"synthetic_{n:05d}", "kind": rng.choice(KINDS), "short_name": f"SYN{n}",
        "name": f"Synthetic {' '.join(words).title()} {n}",
        "aliases": [f"SYN{n}"], "year": year, "cite": key,
        "links": {"code": f"https://example.org/synthetic/{n}"},
        "summary": (f"A generated entry ({n}) that combines {words[0]}, {words[1]} and "
                    f"{words[2]} choices so that the site and the query engine can be measured "
                    "at scale."),
        "pipeline": pipeline,
    }
    if training:
        entry["training"] = training
    if n > 0:
        parents = {rng.randrange(n) for _ in range(rng.choice((0, 0, 1, 1, 2)))}
        if parents:
            entry["builds_on"] = [f"synthetic_{p:05d}" for p in sorted(parents)]
    return entry


def _pick(dim, rng: random.Random):
    if dim.cardinality == "one":
        return rng.choice(dim.option_ids)
    return rng.sample(dim.option_ids, min(len(dim.option_ids), rng.choice((1, 1, 2, 3))))


def synthetic_catalog(source_root: Path, target_root: Path, count: int,
                      seed: int = 0) -> Catalog:
    """Write a synthetic catalog and load it through the validator."""
    return load_catalog(write_synthetic_catalog(source_root, target_root, count, seed))
