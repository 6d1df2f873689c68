"""Local transformers models: a causal LM for generation, or a sequence-classification model
used as a reward model (its single logit, or the last label's logit, is the score).

torch and transformers are imported here only, when a local backend is built, so the rest of
alignscape stays light. Install them with ``pip install 'alignscape[model]'``.
"""

from __future__ import annotations

from pathlib import Path

from alignscape.runtime import Backend, BackendError, Request, Response


class TransformersBackend(Backend):
    def __init__(self, path: str | Path, model=None, tokenizer=None, batch_size: int = 8):
        try:
            import torch  # noqa: F401
            import transformers
        except ImportError as exc:
            raise BackendError("transformers backend needs the model extra: "
                               "pip install 'alignscape[model]'") from exc
        self.batch_size = batch_size
        if model is None:
            if not Path(path).exists():
                raise BackendError(f"transformers backend: {path} is not a local model folder "
                                   "(models are never downloaded at run time)")
            config = transformers.AutoConfig.from_pretrained(path)
            archs = " ".join(config.architectures or [])
            cls = (transformers.AutoModelForSequenceClassification
                   if "SequenceClassification" in archs else transformers.AutoModelForCausalLM)
            model = cls.from_pretrained(path)
            tokenizer = tokenizer or transformers.AutoTokenizer.from_pretrained(path)
        self.model, self.tokenizer = model.eval(), tokenizer
        self.can_score = "SequenceClassification" in type(model).__name__
        self.can_generate = not self.can_score
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token or self.tokenizer.unk_token
        self.name = f"transformers:{Path(str(path)).name or type(model).__name__}"

    def _text(self, messages: list[dict]) -> str:
        if getattr(self.tokenizer, "chat_template", None):
            return self.tokenizer.apply_chat_template(messages, tokenize=False,
                                                      add_generation_prompt=True)
        return "\n\n".join(f"{m['role']}: {m['content']}" for m in messages) + "\n\nassistant:"

    def generate(self, requests: list[Request]) -> list[Response]:
        if not self.can_generate:
            raise BackendError(f"{self.name} is a reward model; it scores, it does not generate")
        import torch

        out: list[Response] = []
        for req in requests:
            # One request at a time: per-request seeds and decoding settings must hold exactly.
            try:
                enc = self.tokenizer(self._text(req.messages), return_tensors="pt")
                if req.seed is not None:
                    torch.manual_seed(req.seed)
                sample = req.temperature > 0
                with torch.no_grad():
                    ids = self.model.generate(
                        **enc, max_new_tokens=req.max_tokens, do_sample=sample,
                        temperature=req.temperature if sample else None,
                        top_p=req.top_p if sample else None,
                        pad_token_id=self.tokenizer.pad_token_id)
                text = self.tokenizer.decode(ids[0, enc["input_ids"].shape[1]:],
                                             skip_special_tokens=True)
                for stop in req.stop or ():
                    text = text.split(stop)[0]
                out.append(Response(text, self.name))
            except Exception as exc:  # a model failure is recorded on the request, not raised
                out.append(Response(None, self.name, error=f"{type(exc).__name__}: {exc}"))
        return out

    def logprob(self, prompt: str, response: str) -> float:
        """log p(response | prompt) under this causal LM (for importance weights)."""
        if not self.can_generate:
            raise BackendError(f"{self.name} is a reward model; it has no log-probabilities")
        import torch

        context = self._text([{"role": "user", "content": prompt}])
        ctx_ids = self.tokenizer(context, return_tensors="pt")["input_ids"]
        full = self.tokenizer(context + response, return_tensors="pt")["input_ids"]
        with torch.no_grad():
            logits = self.model(full).logits[0, :-1]
        logp = torch.log_softmax(logits.float(), dim=-1)
        targets = full[0, 1:]
        start = ctx_ids.shape[1] - 1
        return float(logp[start:].gather(1, targets[start:, None]).sum())

    def token_logprobs(self, requests: list[Request], responses: list[str]) -> list[Response]:
        """Per-token log p(response token | messages, earlier tokens) under this causal LM,
        with each position's self-certainty KL(U || p) = -log V - mean_j log p_j (Intuitor) in
        ``meta['self_certainty']`` and the tokens in ``meta['tokens']``."""
        if not self.can_generate:
            raise BackendError(f"{self.name} is a reward model; it has no log-probabilities")
        import math

        import torch

        out: list[Response] = []
        for req, response in zip(requests, responses, strict=True):
            try:
                # Context and response tokenised apart, so that no token straddles the
                # boundary and every scored token is the response's own.
                ctx_ids = self.tokenizer(self._text(req.messages),
                                         return_tensors="pt")["input_ids"]
                resp_ids = self.tokenizer(response, return_tensors="pt",
                                          add_special_tokens=False)["input_ids"]
                ctx_len = ctx_ids.shape[1]
                full = torch.cat([ctx_ids, resp_ids], dim=1)
                with torch.no_grad():
                    logits = self.model(full).logits[0, :-1]
                logp = torch.log_softmax(logits.float(), dim=-1)[ctx_len - 1:]
                targets = full[0, ctx_len:]
                chosen = logp.gather(1, targets[:, None])[:, 0]
                certainty = -logp.mean(dim=-1) - math.log(logp.shape[-1])
                out.append(Response(None, self.name, logprobs=[float(v) for v in chosen],
                                    meta={"tokens": self.tokenizer.convert_ids_to_tokens(
                                        targets.tolist()),
                                          "self_certainty": [float(v) for v in certainty]}))
            except Exception as exc:  # recorded on the request, not raised
                out.append(Response(None, self.name, error=f"{type(exc).__name__}: {exc}"))
        return out

    def score(self, prompts: list[str], responses: list[str]) -> list[Response]:
        if not self.can_score:
            raise BackendError(f"{self.name} is a generator; use a sequence-classification "
                               "model as a reward model")
        import torch

        out: list[Response] = []
        for i in range(0, len(prompts), self.batch_size):
            chunk = list(zip(prompts[i:i + self.batch_size], responses[i:i + self.batch_size],
                             strict=True))
            try:
                texts = [self._pair_text(p, r) for p, r in chunk]
                enc = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True)
                with torch.no_grad():
                    logits = self.model(**enc).logits
                for row in logits:
                    out.append(Response(None, self.name, meta={"score": float(row[-1])}))
            except Exception as exc:
                out += [Response(None, self.name, error=f"{type(exc).__name__}: {exc}")
                        for _ in chunk]
        return out

    def _pair_text(self, prompt: str, response: str) -> str:
        messages = [{"role": "user", "content": prompt},
                    {"role": "assistant", "content": response}]
        if getattr(self.tokenizer, "chat_template", None):
            return self.tokenizer.apply_chat_template(messages, tokenize=False)
        return f"user: {prompt}\n\nassistant: {response}"
