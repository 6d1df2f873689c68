"""Fast instantiation without losing anything: the JSON text of rows (orjson, or json in the
base install) is the same either way, records.jsonl keeps what the pipeline added and not the
input line again, the report's counts come from the commit lines and equal a re-read of the
files, and an over-long input line is a located error."""

from __future__ import annotations

import datetime
import json

import pytest
from pipeline_helpers import read_jsonl, write_jsonl

from alignscape.pipeline import report as report_module
from alignscape.pipeline.inputs import InputError, read_prompts, scan
from alignscape.stages.instantiation import encoding
from alignscape.stages.instantiation.formats import provenance

RECIPE = """\
name: compact
seed: 0
stages:
  - use: synthesis.sources.human_written
  - use: instantiation.pairing.best_vs_worst
  - use: instantiation.formats.pairwise
  - use: instantiation.formats.binary_label
  - use: instantiation.formats.listwise
"""

VALUES = [
    {"b": 1, "a": [1.5, None, True, "é ☃ \u2028 \"q\" \\"], "c": {"z": {}, "y": []}},
    {1: "int key", "n": -0.0, "big": 2 ** 70, "small": -(2 ** 63)},
    {"when": datetime.datetime(2026, 1, 2, 3, 4, 5), "set": {3}},
    "a string", 12, None, [],
]


class FloatSub(float):
    pass


@pytest.mark.parametrize("value", VALUES + [{"x": FloatSub(2.5)}])
def test_orjson_and_the_json_fallback_write_the_same_text(value):
    compact = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    assert encoding.line(value) == compact.encode()
    ordered = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str,
                         sort_keys=True) if not isinstance(value, dict) or \
        all(isinstance(k, str) for k in value) else None
    if ordered is not None:
        assert encoding.sorted_text(value) == ordered


def test_loads_keeps_long_integers_and_reads_what_json_reads():
    assert encoding.loads(b'{"id": 123456789012345678901234567890}') == \
        {"id": 123456789012345678901234567890}
    assert encoding.loads(b'{"x": NaN}')["x"] != encoding.loads(b'{"x": NaN}')["x"]
    assert encoding.loads('{"t": "é"}'.encode()) == {"t": "é"}
    with pytest.raises(ValueError):
        encoding.loads(b'{"t": "\xff"}')
    with pytest.raises(json.JSONDecodeError) as err:
        encoding.loads(b'{"t": 1,}')
    assert err.value.colno == 9


def test_provenance_is_the_sorted_text_of_the_whole_object_without_null_extras():
    class Ctx:
        entry, seed = "e", 3

        def describe(self):
            return {"judge": "heuristic", "default": "replay"}

    record = {"prompt_id": "p", "trace": ["s1", "s2"], "prompt_origin": None,
              "judgements": [{"judge": "j2"}, {"judge": "j1"}, {"judge": "j2"}]}
    cands = [{"id": "c1", "text": "t", "model": "m", "score": 2, "decoding": {"top_p": 1,
                                                                             "temperature": 0.9},
              "columns": {"x": 1}, "error": None}]
    text = provenance(record, Ctx(), cands, rule="r", pair_judge=None)
    expected = {"entry": "e", "seed": 3, "backends": {"judge": "heuristic", "default": "replay"},
                "stages": ["s1", "s2"], "judges": ["j1", "j2"], "rule": "r",
                "candidates": [{"id": "c1", "model": "m", "score": 2,
                                "decoding": {"top_p": 1, "temperature": 0.9}}]}
    assert text == json.dumps(expected, sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False)
    # The header is shared between records of the same stages and judges, never altered.
    again = provenance(dict(record, prompt_origin="self_play"), Ctx(), cands)
    assert json.loads(again)["prompt_origin"] == "self_play" and "prompt_origin" not in text


def _run(cli, tmp_path, rows, *extra):
    prompts = write_jsonl(tmp_path / "in.jsonl", rows)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = cli("run", "--recipe", recipe, "--prompts", prompts, "--out", out,
                       "--batch-size", 2, "--no-progress", "--no-parquet", *extra)
    return code, err, out


def _rows():
    rows = [{"prompt_id": f"p{i}", "prompt": f"Question {i} " + "long " * 50,
             "reference": f"ref {i}", "custom": {"k": i},
             "responses": [{"text": f"answer {i}.{j} " * 5, "model": f"m{j}", "score": j + i % 2}
                           for j in range(3)]} for i in range(7)]
    rows[3]["responses"].append(5)  # neither a string nor an object: a failure, not fatal
    return rows


def test_records_keep_what_the_pipeline_added_and_failures_keep_the_whole_line(tmp_path, cli):
    code, err, out = _run(cli, tmp_path, _rows())
    assert code == 0, err
    records = read_jsonl(out / "records.jsonl")
    assert [r["prompt_id"] for r in records] == [f"p{i}" for i in range(7)]
    for r in records:
        assert not {"prompt", "responses", "reference", "custom", "input_fields"} & set(r)
        assert [c["text"] for c in r["candidates"]][:3] == \
            [f"answer {r['prompt_id'][1:]}.{j} " * 5 for j in range(3)]
        assert r["pairs"] and r["trace"]
    # Each response text is written once in records.jsonl (it was twice: the input's
    # responses and the candidates).
    text = (out / "records.jsonl").read_text()
    assert text.count("answer 2.1 ") == 5
    failures = read_jsonl(out / "failures.jsonl")
    assert [f["prompt_id"] for f in failures] == ["p3"]
    assert failures[0]["custom"] == {"k": 3} and failures[0]["reference"] == "ref 3" and \
        failures[0]["responses"][-1] == 5 and failures[0]["prompt"].startswith("Question 3")


def test_report_counts_come_from_the_commit_lines_and_equal_a_reread(tmp_path, cli):
    code, err, out = _run(cli, tmp_path, _rows())
    assert code == 0, err
    counts, lines = report_module.committed_counts(out)
    assert counts == report_module._read_counts(out)
    # three responses and the reference answer per prompt
    assert counts["records"] == counts["unique_prompt_ids"] == 7 and counts["candidates"] == 28
    for name, n in lines.items():
        assert n == report_module._count_lines(out / name), name
    report = json.loads((out / "report.json").read_text())
    assert report["rows"] == {"pairwise": 7, "binary_label": 14, "listwise": 7}
    assert report["failures"] == 1 and report["records"] == 7
    # --retry-failures rewrites the checkpoint without counts: the report reads the files.
    code, err, _ = _run(cli, tmp_path, _rows(), "--retry-failures")
    assert code == 0, err
    assert report_module.committed_counts(out) is None
    again = json.loads((out / "report.json").read_text())
    assert {k: again[k] for k in report_module.COUNTS} == {k: report[k]
                                                           for k in report_module.COUNTS}
    assert again["rows"] == report["rows"]


def test_an_over_long_line_is_a_located_error_and_the_rest_is_read(tmp_path):
    path = tmp_path / "p.jsonl"
    long_line = json.dumps({"prompt_id": "big", "prompt": "x" * 5000})
    path.write_bytes(b'{"prompt_id": "a", "prompt": "fine"}\n' + long_line.encode() +
                     b'\n\n{"prompt_id": "b", "prompt": "also fine"}\n' + long_line.encode())
    items = list(read_prompts(path, max_line_bytes=1000))
    errors = [i for i in items if isinstance(i, InputError)]
    assert [e.line for e in errors] == [2, 5]
    assert all("longer than 1000 bytes" in e.message for e in errors)
    assert [i["prompt_id"] for i in items if not isinstance(i, InputError)] == ["a", "b"]
    assert scan(path, 1000) == (4, False)  # one item per line read_prompts yields for
    assert len(list(read_prompts(path))) == 4  # the default limit (64 MiB) reads them all


def test_blank_and_bad_lines_are_counted_as_read_prompts_yields_them(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"prompt_id": "a", "prompt": "bom"}\n  \n\xe3\x80\x80\n'
                     b'{"prompt_id": "b", "prompt": "caf\xff"}\nnot json\n'
                     b'{"prompt_id": "c", "prompt": "\xe2\x98\x83", "n": NaN}\n')
    items = list(read_prompts(path))
    assert scan(path)[0] == len(items) == 4
    assert items[0]["prompt"] == "bom" and items[3]["prompt"] == "\u2603"
    assert "not UTF-8 (byte 34" in items[1].message and items[1].line == 4
    assert items[2].line == 5 and "not valid JSON" in items[2].message


def test_a_broken_json_line_names_the_column_where_it_breaks(tmp_path):


    path = tmp_path / "p.jsonl"
    path.write_bytes(b'{"prompt": "a"\n{"prompt": "b", x}\n{"prompt": "c"}\n')
    items = list(read_prompts(path, needs_prompt=True))
    errors = [i for i in items if isinstance(i, InputError)]
    assert [(e.line, e.message) for e in errors] == [
        (1, "not valid JSON (Expecting ',' delimiter at column 15)"),
        (2, "not valid JSON (Expecting property name enclosed in double quotes at column 17)")]
    assert [i["prompt"] for i in items if not isinstance(i, InputError)] == ["c"]


def test_max_line_bytes_flag_makes_a_longer_line_an_input_error_of_its_line(tmp_path, cli):
    rows = _rows()[:3]
    rows[1]["prompt"] = "long " * 400  # about 2 KB: over the limit below, under the default
    code, err, out = _run(cli, tmp_path, rows, "--max-line-bytes", 1500)
    assert code == 0, err
    errors = read_jsonl(out / "input_errors.jsonl")
    assert [e["where"].rsplit(":", 1)[1] for e in errors] == ["2"]
    assert "longer than 1500 bytes" in errors[0]["error"]
    assert [r["prompt_id"] for r in read_jsonl(out / "records.jsonl")] == ["p0", "p2"]
    (tmp_path / "default").mkdir()
    code, err, again = _run(cli, tmp_path / "default", rows)
    assert code == 0, err
    assert read_jsonl(again / "input_errors.jsonl") == []


@pytest.mark.parametrize("value", ["0", "-5"])
def test_max_line_bytes_is_validated(tmp_path, cli, value):
    code, err, _ = _run(cli, tmp_path, _rows()[:2], "--max-line-bytes", value)
    assert code == 2 and "--max-line-bytes" in err


def test_max_line_bytes_is_refused_with_ray(tmp_path, cli):
    code, err, _ = _run(cli, tmp_path, _rows()[:2], "--max-line-bytes", 5000, "--ray")
    assert code == 2 and "--max-line-bytes is not used with --ray" in err


def test_batch_size_defaults_to_1024_without_a_backend_and_16_with_one(tmp_path, cli):
    prompts = write_jsonl(tmp_path / "in.jsonl", _rows())
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    sizes = {}
    for name, extra in (("none", ()), ("heuristic", ("--backend", "heuristic"))):
        out = tmp_path / name
        code, _, err = cli("run", "--recipe", recipe, "--prompts", prompts, "--out", out,
                           "--no-progress", "--no-parquet", *extra)
        assert code == 0, err
        sizes[name] = json.loads((out / "manifest.json").read_text())["batch_size"]
        # One commit line per batch: the seven prompts fit in one batch either way.
        assert len((out / "checkpoint.jsonl").read_text().splitlines()) == 1
    assert sizes == {"none": 1024, "heuristic": 16}


@pytest.mark.parametrize("row", [
    {"prompt_id": "a", "prompt": "q", "responses": ["r"], "custom": {"k": [1]}},
    {"id": 7, "instruction": "q", "pairs": [1], "trace": ["x"]},  # reserved fields dropped
    {"prompt_id": None, "id": "not used", "question": "q"},  # prompt_id null: the line number
    {"prompt": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"},
                {"role": "user", "content": "again"}], "prompt_id": "c"},
])
def test_parse_row_reusing_the_parsed_line_gives_the_record_a_copy_gives(row):
    from alignscape.pipeline.inputs import parse_row

    copied = parse_row(json.loads(json.dumps(row)), "f.jsonl", 3)
    reused = parse_row(json.loads(json.dumps(row)), "f.jsonl", 3, reuse=True)
    assert reused == copied and list(reused) == list(copied)
    assert json.dumps(reused) == json.dumps(copied)  # the same key order, so the same bytes
    original = json.loads(json.dumps(row))
    parse_row(original, "f.jsonl", 3)
    assert original == row  # without reuse the caller's dict is left alone
