"""Right data in the edge cases: whole conversations, truncated answers, partly failed
judgements, margins that mean something, backend names without addresses, failures redone in
place."""

from __future__ import annotations

import json

from fake_server import FakeServer
from pipeline_helpers import read_jsonl, write_jsonl
from test_pipeline_run import run_args

from alignscape.pipeline.inputs import parse_row
from alignscape.stages import registry
from alignscape.stages.base import set_score

MT = [{"role": "user", "content": "Name a prime number."},
      {"role": "assistant", "content": "Seven."},
      {"role": "user", "content": "Now explain why it is prime."}]


def _prompts(tmp_path, rows):
    return write_jsonl(tmp_path / "prompts.jsonl", rows)


def test_conversations_are_sent_whole_and_written_as_trl_conversational_prompts(tmp_path, cli):
    _prompts(tmp_path, [{"prompt_id": "mt", "prompt": MT + [
        {"role": "assistant", "content": "(a later answer, not part of the prompt)"}]},
        {"prompt_id": "s", "prompt": "Plain question?"}])
    with FakeServer() as s:
        code, _, err = cli(*run_args(tmp_path, s.url, tmp_path / "out"))
        bodies = list(s.bodies)
    assert code == 0, err
    assert "conversational style" in err
    sent = [b["messages"] for b in bodies if b["messages"][0]["content"] == MT[0]["content"]]
    assert sent and all(m == MT for m in sent)  # every prior turn, nothing after the last user
    rows = {r["prompt_id"]: r for r in read_jsonl(tmp_path / "out" / "pairwise.jsonl")}
    assert rows["mt"]["prompt"] == MT
    assert rows["s"]["prompt"] == [{"role": "user", "content": "Plain question?"}]
    assert rows["mt"]["chosen"][0]["role"] == "assistant"
    judged = [b for b in bodies if "Rating: [[N]]" in b["messages"][-1]["content"]
              and "Seven." in b["messages"][-1]["content"]]
    assert judged, "the judge sees the whole conversation"


def test_bad_messages_are_located_input_errors():
    got = parse_row({"prompt": [{"role": "user", "content": 3}]}, "f.jsonl", 4)
    assert str(got) == "f.jsonl:4: prompt[0]: expected {role: system|user|assistant|tool, " \
        "content: string}"


def test_truncated_answers_are_excluded_and_recorded(tmp_path, cli):
    _prompts(tmp_path, [{"prompt_id": f"p{i}", "prompt": f"Question {i}"} for i in range(4)])
    cut = set()

    def faults(n, body):
        if body.get("temperature") == 0.9 and n % 3 == 0:
            cut.add(n)
            return "length"
        return None

    with FakeServer(faults) as s:
        code, _, err = cli(*run_args(tmp_path, s.url, tmp_path / "out"))
    assert code == 0, err
    assert cut
    records = read_jsonl(tmp_path / "out" / "records.jsonl")
    truncated = [c for r in records for c in r["candidates"] if c.get("truncated")]
    assert len(truncated) == len(cut)
    assert all(c["finish_reason"] == "length" and "truncated" in c["excluded"]
               for c in truncated)
    assert all(c["finish_reason"] == "stop" for r in records for c in r["candidates"]
               if not c.get("truncated"))
    cut_ids = {(r["prompt_id"], c["id"]) for r in records for c in r["candidates"]
               if c.get("truncated")}
    for row in read_jsonl(tmp_path / "out" / "pairwise.jsonl"):
        used = [c["id"] for c in json.loads(row["provenance"])["candidates"]]
        assert not {(row["prompt_id"], i) for i in used} & cut_ids


def test_partly_judged_candidates_are_not_ranked():
    cand = {"id": "c0", "text": "x"}
    set_score(cand, "judge|helpfulness", 4.0)
    set_score(cand, "judge|honesty", None)
    assert cand["score"] is None and cand["incomplete"] == ["judge|honesty"]
    set_score(cand, "judge|honesty", 2.0)
    assert cand["score"] == 3.0 and "incomplete" not in cand
    record = {"prompt_id": "p", "prompt": "q", "candidates": [
        {"id": "c0", "text": "a", "scores": {"j": 5.0, "k": None}, "score": None,
         "incomplete": ["k"]},
        {"id": "c1", "text": "b", "scores": {"j": 1.0, "k": 1.0}, "score": 1.0},
        {"id": "c2", "text": "c", "scores": {"j": 3.0, "k": 3.0}, "score": 3.0}]}
    out = registry.get("instantiation.pairing.best_vs_worst")([record])
    assert [(p["chosen"], p["rejected"]) for p in out[0]["pairs"]] == [("c2", "c1")]


def test_margin_only_where_it_carries_information():
    def cands(*pairs):
        out = []
        for i, (value, binary) in enumerate(pairs):
            c = {"id": f"c{i}", "text": str(i)}
            set_score(c, "v", value, binary=binary)
            out.append(c)
        return out

    pair = registry.get("instantiation.pairing.best_vs_worst")
    yes_no = pair([{"prompt_id": "p", "candidates": cands((1.0, True), (0.0, True))}])
    assert yes_no[0]["pairs"][0]["margin"] is None
    rated = pair([{"prompt_id": "p", "candidates": cands((4.0, False), (1.0, False))}])
    assert rated[0]["pairs"][0]["margin"] == 3.0
    given = registry.get("instantiation.pairing.given_pairs")
    single = given([{"prompt_id": "p", "candidates": cands((None, False), (None, False)),
                     "comparisons": [{"a": "c0", "b": "c1", "winner": "a", "p_a": 1.0,
                                      "orders": 1}]}])
    assert single[0]["pairs"][0]["margin"] is None
    both = given([{"prompt_id": "p", "candidates": cands((None, False), (None, False)),
                   "comparisons": [{"a": "c0", "b": "c1", "winner": "a", "p_a": 0.75,
                                    "consistent": None, "orders": 2}]}])
    assert both[0]["pairs"][0]["margin"] == 0.5


def test_backend_names_have_no_address(tmp_path, cli, server):
    _prompts(tmp_path, [{"prompt_id": f"p{i}", "prompt": f"Question {i}"} for i in range(4)])
    assert cli(*run_args(tmp_path, server.url, tmp_path / "out"))[0] == 0
    text = (tmp_path / "out" / "records.jsonl").read_text() + \
        (tmp_path / "out" / "pairwise.jsonl").read_text() + \
        (tmp_path / "out" / "report.json").read_text()
    assert "127.0.0.1" not in text
    assert "judge:openai:fake" in text


def test_retry_failures_redoes_them_in_place_from_the_full_input_rows(tmp_path, cli):
    rows = [{"prompt_id": f"p{i}", "prompt": f"Question {i}" + (" doomed" if i in (2, 5) else ""),
             "reference": f"ref {i}", "custom": {"k": i}} for i in range(8)]
    _prompts(tmp_path, rows)
    broken = {"on": True}

    def faults(n, body):
        return "400" if broken["on"] and "doomed" in json.dumps(body) else None

    out = tmp_path / "out"
    with FakeServer(faults) as s:
        assert cli(*run_args(tmp_path, s.url, out))[0] == 0
        failures = read_jsonl(out / "failures.jsonl")
        assert {f["prompt_id"] for f in failures} == {"p2", "p5"}
        f2 = next(f for f in failures if f["prompt_id"] == "p2")
        assert f2["reference"] == "ref 2" and f2["custom"] == {"k": 2} and \
            f2["prompt"] == rows[2]["prompt"]
        before = read_jsonl(out / "pairwise.jsonl")
        broken["on"] = False
        code, _, err = cli(*run_args(tmp_path, s.url, out, "--retry-failures"))
    assert code == 0, err
    assert "redoing 2 failed prompt(s)" in err
    records = read_jsonl(out / "records.jsonl")
    ids = [r["prompt_id"] for r in records]
    assert sorted(ids) == sorted(r["prompt_id"] for r in rows) and len(ids) == len(set(ids))
    assert read_jsonl(out / "failures.jsonl") == []
    after = read_jsonl(out / "pairwise.jsonl")
    assert [r for r in after if r["prompt_id"] not in ("p2", "p5")] == \
        [r for r in before if r["prompt_id"] not in ("p2", "p5")]
    pair_ids = [r["prompt_id"] for r in after]
    assert pair_ids.count("p2") == 1 and pair_ids.count("p5") == 1
    # The failures file is also a valid --prompts file for another folder.
    assert parse_row(f2, "failures.jsonl", 1)["reference"] == "ref 2"
