"""One "did you mean" for every command: the query language, the validator and the pipeline.

The JS port of the query language (site/assets/alignscape-query.js) implements the same
algorithm, so the browser suggests what the command line suggests."""

from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours (optimal string alignment):
    'alpah' is one typo away from 'alpha'."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, rows[i - 2][j - 2] + 1)
            row.append(best)
        rows.append(row)
    return rows[-1][-1]


def suggest(word: str, candidates: list[str]) -> str | None:
    """The closest candidate: small edit distance, or containing the word; ties by list order.

    Deliberately simple, and the same in the JS port, so both suggest the same thing."""
    norm = word.lower().replace("-", "_")
    best, best_score = None, None
    for candidate in candidates:
        distance = edit_distance(norm, candidate)
        if norm != candidate and min(len(norm), len(candidate)) >= 3 and (
                norm in candidate or candidate in norm):
            distance = min(distance, 1 + abs(len(candidate) - len(norm)) // 4)
        elif distance > max(1, len(norm) // 3):
            continue
        if best_score is None or distance < best_score:
            best, best_score = candidate, distance
    return best


def hint(word: str, candidates, *, prefix: str = "did you mean ") -> str:
    """`did you mean 'x'?` for the closest candidate, or an empty string."""
    close = suggest(str(word), [str(c) for c in candidates])
    return f"{prefix}{close!r}?" if close else ""
