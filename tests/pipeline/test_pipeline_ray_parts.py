"""The part store of the Ray path (pipeline/ray_parts.py), without Ray: the runner's batch
boundaries, the commit protocol's crash windows, and replay writing the runner's bytes."""

from __future__ import annotations

import json

from alignscape.pipeline.checkpoint import Checkpoint
from alignscape.pipeline.ray_parts import MANIFEST, PARTS, PartStore, Recorder, plan, replay


def _prompts(path, n=7, bad=(2, 5)):
    lines = [("{not json" if i in bad else json.dumps({"prompt": f"q{i}"})) for i in range(n)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_plan_is_the_runners_batches(tmp_path):
    path = _prompts(tmp_path / "p.jsonl")
    error = f"input-error:{path}:"
    # An input error travels with the batch it was met in; the last one with the last batch.
    assert [p.keys for p in plan(path, 2)] == [
        ["line-1", "line-2"], ["line-4", "line-5", error + "3"], ["line-7", error + "6"]]
    assert [p.keys for p in plan(path, 2, limit=3)] == [["line-1", "line-2"], [error + "3"]]


def _calls(part):
    rec = Recorder()
    rec.write("records.jsonl", iter([{"prompt_id": k, "x": 1.5, "t": "é"} for k in part.keys]))
    rec.commit(part.keys)
    return rec.calls


def test_crash_windows_are_recovered(tmp_path):
    parts = list(plan(_prompts(tmp_path / "p.jsonl"), 2))
    out = tmp_path / "out"
    store = PartStore(out)
    store.open()
    for part in parts[:2]:
        store.commit(part, _calls(part))
    store.close()
    root = out / PARTS
    # Killed between the rename and the commit line, and in the middle of a commit line.
    (root / "part-000002.jsonl").write_text("{}\n")
    (root / ".part-000003.jsonl").write_text("half")
    with open(root / MANIFEST, "ab") as fh:
        fh.write(b'{"part": 2, "si')
    store = PartStore(out)
    assert store.open() == {0, 1}
    assert sorted(p.name for p in root.iterdir()) == ["part-000000.jsonl",
                                                      "part-000001.jsonl", MANIFEST]
    assert (root / MANIFEST).read_bytes().endswith(b"}\n")
    assert store.load(0, parts[0].keys) == [tuple(c) for c in
                                           json.loads(json.dumps(_calls(parts[0])))]
    # Cut from other input, or damaged after its commit: computed again, never trusted.
    assert store.load(0, parts[1].keys) is None
    data = (root / "part-000001.jsonl").read_bytes()
    (root / "part-000001.jsonl").write_bytes(data.replace(b"1.5", b"2.5"))
    assert store.load(1, parts[1].keys) is None
    store.close()


def test_replayed_calls_write_what_the_runner_writes(tmp_path):
    part = next(plan(_prompts(tmp_path / "p.jsonl"), 2))
    direct = Checkpoint(tmp_path / "direct", ["records.jsonl"])
    direct.open()
    replay(_calls(part), direct)
    direct.close()
    store = PartStore(tmp_path / "out")
    store.open()
    store.commit(part, _calls(part))
    again = Checkpoint(tmp_path / "replayed", ["records.jsonl"])
    again.open()
    replay(store.load(0, part.keys), again)
    again.close()
    store.close()
    for name in ("records.jsonl", "checkpoint.jsonl"):
        a = (tmp_path / "direct" / name).read_bytes()
        b = (tmp_path / "replayed" / name).read_bytes()
        if name == "checkpoint.jsonl":  # the commit line holds the elapsed time
            a, b = ({k: v for k, v in json.loads(x).items() if k != "elapsed"} for x in (a, b))
        assert a == b
