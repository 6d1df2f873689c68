"""Local transformers models built in the test from a config (no download): generation and
reward-model scoring, through the backend's real loading code (save_pretrained, then a path)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from alignscape.pipeline.backends import make_backend  # noqa: E402
from alignscape.runtime import (  # noqa: E402
    BackendError,
    Context,  # noqa: E402
    Request,
)
from alignscape.stages.evaluation.reward_model import reward_model  # noqa: E402
from alignscape.stages.synthesis.model_sources import policy_sampling  # noqa: E402
from alignscape.stages.synthesis.sampling import repeated_sampling  # noqa: E402

VOCAB = ["[PAD]", "[UNK]", "[EOS]"] + [f"w{i}" for i in range(60)] + \
    "user assistant : the a is what why how answer question explain".split()


def tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers

    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(VOCAB)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", eos_token="[EOS]")


def tiny_config(**kw):
    return transformers.GPT2Config(vocab_size=len(VOCAB), n_positions=128, n_embd=32,
                                   n_layer=2, n_head=2, pad_token_id=0, eos_token_id=2, **kw)


@pytest.fixture(scope="module")
def generator_path(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("tiny-lm")
    transformers.GPT2LMHeadModel(tiny_config()).save_pretrained(path)
    tokenizer().save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def reward_path(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("tiny-rm")
    transformers.GPT2ForSequenceClassification(tiny_config(num_labels=1)).save_pretrained(path)
    tokenizer().save_pretrained(path)
    return path


def test_generation_is_seeded_and_respects_settings(generator_path):
    b = make_backend(f"transformers:{generator_path}")
    assert b.can_generate and not b.can_score
    msgs = [{"role": "user", "content": "explain the answer"}]
    r1, r2, r3 = b.generate([Request(msgs, temperature=1.0, seed=5, max_tokens=8),
                             Request(msgs, temperature=1.0, seed=5, max_tokens=8),
                             Request(msgs, temperature=0.0, max_tokens=8)])
    assert r1.ok and r1.text == r2.text
    assert r3.ok and len(r3.text.split()) <= 8


def test_policy_sampling_stage_with_a_local_model(generator_path):
    ctx = Context(backends={"policy": make_backend(f"transformers:{generator_path}")}, seed=1)
    records = [{"prompt_id": "x", "prompt": "what is the answer"}]
    records = repeated_sampling(records, {"n": 3, "temperature": 1.0}, ctx)
    records = policy_sampling(records, {"max_tokens": 6}, ctx)
    cands = records[0]["candidates"]
    assert len(cands) == 3 and all(c["text"] is not None for c in cands)
    assert len({c["decoding"]["seed"] for c in cands}) == 3


def test_reward_model_scores_batches(reward_path):
    b = make_backend(f"transformers:{reward_path}")
    assert b.can_score and not b.can_generate
    ctx = Context(backends={"reward": b})
    records = [{"prompt_id": str(i), "prompt": "why",
                "candidates": [{"id": f"c{j}", "text": "w1 " * (j + 1), "origin": "t"}
                               for j in range(3)]} for i in range(4)]
    out = reward_model(records, {}, ctx)
    scores = [c["score"] for r in out for c in r["candidates"]]
    assert len(scores) == 12 and all(isinstance(s, float) for s in scores)
    assert len({round(s, 6) for s in scores[:3]}) == 3  # different texts, different scores
    with pytest.raises(BackendError, match="reward model"):
        b.generate([Request([{"role": "user", "content": "x"}])])


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(BackendError, match="not a local model folder"):
        make_backend(f"transformers:{tmp_path / 'nope'}")


def test_importance_weights_from_two_local_models(generator_path):
    from alignscape.stages.instantiation.weighting import importance_weighted

    policy = make_backend(f"transformers:{generator_path}")
    torch.manual_seed(1)
    other = transformers.GPT2LMHeadModel(tiny_config())
    from alignscape.pipeline.backends.local import TransformersBackend

    behaviour = TransformersBackend("behaviour", model=other, tokenizer=tokenizer())
    ctx = Context(backends={"policy": policy, "reference": behaviour})
    records = [{"prompt_id": "1", "prompt": "why", "candidates": [
        {"id": "c0", "text": "w1 w2", "origin": "t"}, {"id": "c1", "text": "w3", "origin": "t"}],
        "pairs": [{"chosen": "c0", "rejected": "c1", "margin": 1.0}]}]
    out = importance_weighted(records, {}, ctx)
    cols = out[0]["pairs"][0]["columns"]
    assert cols["chosen_importance_weight"] > 0 and cols["rejected_importance_weight"] > 0
    assert "importance_error" not in cols
    lp = policy.logprob("why", "w1 w2")
    assert lp < 0


def test_embedding_scorer_from_a_local_folder(tmp_path):
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=64,
                                     max_position_embeddings=64, pad_token_id=0)
    transformers.BertModel(config).save_pretrained(tmp_path)
    tokenizer().save_pretrained(tmp_path)
    b = make_backend(f"embedding:{tmp_path}")
    same, other = b.score(["explain the answer", "explain the answer"],
                          ["explain the answer", "w1 w2 w3 w4"])
    assert same.meta["score"] == pytest.approx(1.0, abs=1e-5)
    assert other.meta["score"] < same.meta["score"]
    with pytest.raises(BackendError, match="not a local model folder"):
        make_backend(f"embedding:{tmp_path / 'missing'}")
