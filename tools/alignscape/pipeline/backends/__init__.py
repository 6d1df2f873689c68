"""Model backends behind a small interface (see base.py) and the spec strings that name them:

* ``replay:DIR``            recorded responses (AlpacaEval layout), fully offline
* ``openai:MODEL``          any OpenAI-compatible chat-completions server (--base-url)
* ``transformers:PATH``     a local causal LM (generation) or sequence-classification model
                            (reward scores), chosen by the model's config
* ``embedding:PATH``        prompt/response cosine similarity of a local sentence-embedding model
* ``heuristic``             a labelled heuristic scorer (length/coverage), not a model
"""

from __future__ import annotations

from alignscape.runtime import Backend, BackendError, Request, Response

__all__ = ["Backend", "BackendError", "Request", "Response", "make_backend"]


def make_backend(spec: str, options: dict | None = None) -> Backend:
    """Build a backend from ``kind[:arg]``; options carry base_url, api_key, concurrency,
    timeout, max_retries, replay_dir and friends from the CLI or recipe."""
    options = dict(options or {})
    kind, _, arg = spec.partition(":")
    if kind == "replay":
        from alignscape.pipeline.backends.replay import ReplayBackend

        return ReplayBackend(arg or options.get("replay_dir") or "")
    if kind == "openai":
        from alignscape.pipeline.backends.openai_http import OpenAIBackend

        return OpenAIBackend(model=arg or options.get("model"), **{
            k: options[k] for k in ("base_url", "api_key", "concurrency", "timeout",
                                    "max_retries", "backoff") if options.get(k) is not None})
    if kind == "transformers":
        from alignscape.pipeline.backends.local import TransformersBackend

        return TransformersBackend(arg or options.get("model") or "")
    if kind == "embedding":
        from alignscape.pipeline.backends.embedding import EmbeddingScorer

        return EmbeddingScorer(arg or options.get("model") or "")
    if kind == "heuristic":
        from alignscape.pipeline.backends.heuristic import HeuristicScorer

        return HeuristicScorer()
    raise BackendError(f"unknown backend {spec!r}: expected replay:DIR, openai:MODEL, "
                       "transformers:PATH, embedding:PATH or heuristic")
