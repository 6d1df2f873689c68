"""`alignscape new` as a wizard, driven through a pseudo-terminal the way a person answers it,
and its non-interactive mode (flags, --set, --bibtex)."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time

import pytest
import yaml

from alignscape.cli import main

BIB = """@misc{anything,
  title={Testing Preference Optimisation in a Terminal},
  author={Doe, Jane and Roe, Richard},
  year={2025},
  eprint={2501.99999},
  archivePrefix={arXiv}
}"""

# Answers to each dimension's "choose" prompt, by the dimension's qualified id ("" skips).
CHOICES = {"instantiation.formats": "pairwise", "instantiation.pairing": "1",
           "pipeline.iteration": "single_round", "training.paradigm": "direct_preference"}
STAGE_MODES = {"synthesis": "2", "evaluation": "3", "instantiation": "1"}


class Terminal:
    """The command on the slave side of a pty; we read and type on the master side."""

    def __init__(self, argv, cwd):
        self.master, slave = os.openpty()
        env = {**os.environ, "TERM": "dumb", "PYTHONUNBUFFERED": "1", "COLUMNS": "120"}
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd,
                                     env=env, close_fds=True)
        os.close(slave)
        self.seen = ""
        self.pos = 0

    def expect(self, pattern: str, timeout: float = 20.0) -> re.Match:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.seen, self.pos)
            if match:
                self.pos = match.end()
                return match
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {pattern!r}; saw:\n"
                                     f"{self.seen[-2000:]}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096).decode("utf-8", "replace")
                except OSError:  # the child closed the terminal
                    chunk = ""
                if not chunk and self.proc.poll() is not None:
                    raise AssertionError(f"exited waiting for {pattern!r}:\n{self.seen[-2000:]}")
                self.seen += chunk.replace("\r\n", "\n")

    def send(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())
        time.sleep(0.02)

    def finish(self, timeout: float = 60.0) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.master, 4096).decode("utf-8", "replace")
                except OSError:
                    break
        code = self.proc.wait(timeout=5)
        os.close(self.master)
        return code, self.seen.replace("\r\n", "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_wizard_through_a_pseudo_terminal(scratch):
    term = Terminal([sys.executable, "-m", "alignscape.cli", "--root", str(scratch), "new"],
                    scratch)
    term.expect(r"Short name[^:]*: ")
    term.send("TermPO")
    term.expect(r"Id \(the file name\) \[termpo\]: ")
    term.send("")
    term.expect(r"Kind of work")
    term.expect(r"choose \(a number or an id\) \[1\]: ")
    term.send("4")  # objective, by number
    term.expect(r"BibTeX of the paper")
    for line in BIB.splitlines():
        term.expect(r"[>.] $")
        term.send(line)
    term.expect(r". $")
    term.send("")
    term.expect(r"read: Testing Preference Optimisation in a Terminal \(2025\)")
    term.expect(r"paper's title \[Testing Preference Optimisation in a Terminal\]: ")
    term.send("")
    term.expect(r"\(arXiv v1\) \[2025\]: ")
    term.send("")
    term.expect(r"arXiv id [^\n]*\[2501\.99999\]: ")
    term.send("")
    term.expect(r"Paper link \[https://arxiv\.org/abs/2501\.99999\]: ")
    term.send("")
    term.expect(r"Code link[^:]*: ")
    term.send("")
    term.expect(r"Summary[^\n]*\n> ")
    term.send("A loss tested through a terminal: it takes given preference pairs and fits the "
              "policy to them without a reference model.")
    term.expect(r"\. $")
    term.send("")
    stage, dimension, tried_a_wrong_answer = None, None, False
    while True:
        match = term.expect(r"== [^\n]* \((\w+)\) ==|-- [^\n]* \(([\w.]+); (?:one|one or more)"
                            r"\) --|How does the work treat this stage\?|choose \([^)]*\)"
                            r"[^:]*: |\(end with an empty line\):\n> |Builds on[^:]*: ")
        text = match.group(0)
        if text.startswith("=="):
            stage = match.group(1)
        elif text.startswith("--"):
            dimension = match.group(2)
        elif text.startswith("How does"):
            term.expect(r"choose \([^)]*\) \[1\]: ")
            term.send(STAGE_MODES[stage])
            dimension = None
        elif text.startswith("choose"):
            if dimension == "instantiation.formats" and not tried_a_wrong_answer:
                term.send("pairwse")  # a typo: asked again, with a suggestion
                term.expect(r"'pairwse' is not one of the options \(1-\d+\); did you mean "
                            r"pairwise\?")
                tried_a_wrong_answer = True
                continue
            term.send(CHOICES.get(dimension, "") if dimension else "")  # confidence: default
            dimension = None
        elif text.startswith("Builds on"):
            term.send("dpo")
            break
        else:  # a free-text answer: an open note, a reason, evidence
            term.send(f"Section 3 of the paper says so for {stage or 'training'} in detail.")
            term.expect(r"\. $")
            term.send("")
    term.expect(r"Uses data[^:]*: ")
    term.send("")
    code, output = term.finish()
    assert tried_a_wrong_answer
    assert "added @doe2025termpo to catalog/references.bib" in output
    assert "it validates" in output, output[-3000:]
    assert code == 0
    entry = yaml.safe_load((scratch / "catalog/entries/termpo.yaml").read_text())
    assert entry["kind"] == "objective" and entry["cite"] == "doe2025termpo"
    assert entry["arxiv"] == "2501.99999" and entry["builds_on"] == ["dpo"]
    assert set(entry["pipeline"]["synthesis"]) == {"open"}
    assert set(entry["pipeline"]["evaluation"]) == {"not_applicable"}
    inst = entry["pipeline"]["instantiation"]
    assert inst["formats"] == ["pairwise"] and len(inst["pairing"]) == 1
    assert inst["confidence"] == "high"
    assert entry["training"]["paradigm"] == ["direct_preference"]
    written = str(scratch / "catalog/entries/termpo.yaml")
    assert main(["--root", str(scratch), "validate", written]) == 0
    assert main(["--root", str(scratch), "fmt", "--check",
                 str(scratch / "catalog/entries/termpo.yaml")]) == 0


def test_wizard_stops_cleanly_when_input_ends(scratch):
    done = subprocess.run([sys.executable, "-m", "alignscape.cli", "--root", str(scratch), "new"],
                          input="OnlyAName\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "nothing written" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list((scratch / "catalog/entries").glob("onlyaname*"))


def test_flags_make_a_valid_draft_and_reuse_the_bibtex_key(scratch, capsys, monkeypatch):
    bib = scratch / "simpo.bib"
    # arXiv's own export, with another key: the same arXiv id is the same work.
    bib.write_text("@misc{meng2024simposimplepreferenceoptimization,\n"
                   "  title={SimPO: Simple Preference Optimization with a Reference-Free Reward},\n"
                   "  author={Yu Meng and Mengzhou Xia and Danqi Chen},\n  year={2024},\n"
                   "  eprint={2405.14734v3},\n  archivePrefix={arXiv},\n"
                   "  primaryClass={cs.CL}\n}\n")
    before = (scratch / "catalog/references.bib").read_text()
    code = main(["--root", str(scratch), "new", "--short-name", "SimPO again", "--kind",
                 "objective", "--bibtex", str(bib),
                 "--summary", "Fits the policy to preference pairs with a length-normalised "
                 "reward and no reference model.",
                 "--set", "synthesis.open=Any fixed set of chosen and rejected responses.",
                 "--set", "evaluation.open=Any source of pairwise preference labels.",
                 "--set", "instantiation.formats=pairwise",
                 "--set", "instantiation.evidence=Method section: a Bradley-Terry loss on pairs.",
                 "--set", "training.paradigm=direct_preference",
                 "--set", "builds_on=dpo"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "same arXiv id as meng2024simpo" in out
    assert (scratch / "catalog/references.bib").read_text() == before
    entry = yaml.safe_load((scratch / "catalog/entries/simpo_again.yaml").read_text())
    assert entry["cite"] == "meng2024simpo" and entry["year"] == 2024
    assert entry["links"]["paper"] == "https://arxiv.org/abs/2405.14734"


def test_incomplete_flags_say_exactly_what_is_missing(scratch, capsys):
    code = main(["--root", str(scratch), "new", "--short-name", "Half", "--cite",
                 "rafailov2023dpo", "--year", "2023",
                 "--set", "synthesis.sources=policy_sampling,policy_samplin"])
    out = capsys.readouterr().out
    assert code == 1
    assert re.search(r"half\.yaml:\d+:\d+: S001 summary: required field 'summary'", out)
    assert re.search(r"half\.yaml:\d+:\d+: T001 pipeline\.synthesis\.sources\[1\]: "
                     r"'policy_samplin' is not an option", out)
    assert "pipeline.evaluation" in out and "Traceback" not in out


def test_bad_set_and_bad_bibtex_are_refused_before_writing(scratch, capsys):
    assert main(["--root", str(scratch), "new", "--short-name", "X1",
                 "--set", "synthesis.colour=red"]) == 2
    assert "not a field of the synthesis stage" in capsys.readouterr().err
    bad = scratch / "bad.bib"
    bad.write_text("@misc{x, title={No author or year}}\n")
    assert main(["--root", str(scratch), "new", "--short-name", "X2", "--bibtex",
                 str(bad)]) == 1
    assert "has no author, year" in capsys.readouterr().err
    assert not (scratch / "catalog/entries/x1.yaml").exists()
    assert not (scratch / "catalog/entries/x2.yaml").exists()


def test_template_mode_still_works(scratch):
    assert main(["--root", str(scratch), "new", "tpl_method", "--kind", "dataset"]) == 0
    text = (scratch / "catalog/entries/tpl_method.yaml").read_text()
    assert "kind: dataset" in text and "TODO" in text
