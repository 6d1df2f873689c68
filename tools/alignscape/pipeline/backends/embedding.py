"""A sentence-embedding model as a zero-shot relevance scorer: score = cosine similarity of the
mean-pooled embeddings of prompt and response (e.g. all-MiniLM-L6-v2, a local folder). It
rewards answers that stay on the prompt's topic and knows nothing else about quality: a weak
but real model judge, for offline runs where no generative judge fits on the machine.
"""

from __future__ import annotations

from pathlib import Path

from alignscape.runtime import Backend, BackendError, Response


class EmbeddingScorer(Backend):
    can_generate = False
    can_score = True

    def __init__(self, path: str | Path, batch_size: int = 32, max_length: int = 256):
        try:
            import torch  # noqa: F401
            import transformers
        except ImportError as exc:
            raise BackendError("the embedding scorer needs the model extra: "
                               "pip install 'alignscape[model]'") from exc
        if not Path(path).is_dir():
            raise BackendError(f"embedding scorer: {path} is not a local model folder")
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(path)
        self.model = transformers.AutoModel.from_pretrained(path).eval()
        self.batch_size, self.max_length = batch_size, max_length
        self.cache: dict[str, object] = {}
        self.name = f"embedding-similarity:{Path(path).name}"

    def _embed(self, texts: list[str]):
        import torch

        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        for i in range(0, len(todo), self.batch_size):
            chunk = todo[i:i + self.batch_size]
            enc = self.tokenizer(chunk, padding=True, truncation=True,
                                 max_length=self.max_length, return_tensors="pt")
            with torch.no_grad():
                hidden = self.model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, dim=-1)
            for text, vec in zip(chunk, pooled, strict=True):
                self.cache[text] = vec
        return [self.cache[t] for t in texts]

    def score(self, prompts: list[str], responses: list[str]) -> list[Response]:
        try:
            p, r = self._embed(prompts), self._embed(responses)
        except Exception as exc:  # a model failure is recorded per request, not raised
            return [Response(None, self.name, error=f"{type(exc).__name__}: {exc}")
                    for _ in prompts]
        return [Response(None, self.name, meta={"score": float((a * b).sum())})
                for a, b in zip(p, r, strict=True)]
