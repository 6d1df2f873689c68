"""Scripted backends for the stages of the 2025-26 options (verifier, rubric, categorical
judges; score-conditioned writing; self-play; token log-probabilities): each answers by a rule
stated here, so the tests that use them can state exact expected values."""

from __future__ import annotations

from alignscape.runtime import Backend, Response


class Scripted(Backend):
    """Answers by the kind of prompt it is sent:

    * answer checker ("[Reference answer]" ... "equivalent"): yes iff the response contains
      the reference answer's text;
    * rubric criterion ("[Criterion]"): yes iff the criterion's last word is in the response;
    * categorical judge ("Label: [[CLASS]]"): refuse if the response says "cannot", partial
      if it says "but", else comply;
    * score-conditioned writer ("[Target score]"): "a response worth N";
    * self-play proposer ("Propose one new task"): a task with answer and tests;
    * anything else (a solver): "The answer is 6." """

    name = "scripted"

    def __init__(self):
        self.requests = []

    def generate(self, requests):
        out = []
        for r in requests:
            self.requests.append(r)
            text = r.messages[-1]["content"]
            response = text.split("[Response]\n")[-1].split("\n\n")[0]
            if "[Reference answer]" in text and "equivalent" in text:
                reference = text.split("[Reference answer]\n")[1].split("\n\n")[0]
                out.append(Response("Checked. Verdict: " + ("yes" if reference.lower()
                                                            in response.lower() else "no")))
            elif "[Criterion]" in text:
                criterion = text.split("[Criterion]\n")[1].split("\n\n")[0]
                word = criterion.split()[-1].lower()
                out.append(Response("Verdict: " + ("yes" if word in response.lower() else
                                                   "no")))
            elif "Label: [[CLASS]]" in text:
                label = "refuse" if "cannot" in response else "partial" if " but " in \
                    response else "comply"
                out.append(Response(f"Reasoning. Label: [[{label}]]"))
            elif "[Target score]" in text:
                target = text.split("[Target score]\n")[1].strip()
                out.append(Response(f"a response worth {target}", r.model))
            elif "Propose one new task" in text:
                out.append(Response("Task: What is 3 + 3?\nAnswer: 6\nTests:\n```python\n"
                                    "assert 3 + 3 == 6\n```", r.model))
            else:
                out.append(Response("The answer is 6.", r.model))
        return out


class LogProbs(Backend):
    """Teacher-forced log-probabilities by rule: a token is a whitespace-separated word,
    its log-prob is -len(word) * scale, its self-certainty len(word) (unless
    ``certainty=False``, as a server that returns sampled-token log-probs only)."""

    name = "logprobs"
    can_generate = False

    def __init__(self, scale=1.0, certainty=True, fail_on=None):
        self.scale, self.certainty, self.fail_on = scale, certainty, fail_on

    def token_logprobs(self, requests, responses):
        out = []
        for r in responses:
            if self.fail_on and self.fail_on in r:
                out.append(Response(None, error="HTTP 500: scripted failure"))
                continue
            tokens = r.split()
            meta = {"tokens": tokens}
            if self.certainty:
                meta["self_certainty"] = [float(len(t)) for t in tokens]
            out.append(Response(None, logprobs=[-len(t) * self.scale for t in tokens],
                                meta=meta))
        return out


class NoLogProbs(Backend):
    """A text backend that cannot give log-probabilities of a given text (as a
    chat-completions server)."""

    name = "nologprobs"

    def generate(self, requests):
        return [Response("x") for _ in requests]


class WithLogProbs(Backend):
    """A text backend (the loopback server) that also gives teacher-forced log-probabilities
    by the LogProbs rule, as a local model serving one role does both."""

    def __init__(self, text: Backend, logprobs: Backend | None = None):
        self.text, self.logprobs = text, logprobs or LogProbs()
        self.name = f"{text.name}+{self.logprobs.name}"

    def generate(self, requests):
        return self.text.generate(requests)

    def token_logprobs(self, requests, responses):
        return self.logprobs.token_logprobs(requests, responses)

    def close(self):
        pass  # the text backend serves other roles too; its own role closes it
