"""How many (entry, dimension) pairs carry a determined level, counted from the `status` of
each pair in the very document `alignscape explain --format json` prints, so the summary and
the JSON can never disagree."""

from __future__ import annotations

STATUSES = ("determined", "set_by_data", "not_applicable", "unknown")


def summarise(document: dict, levels: tuple[str, ...]) -> dict:
    """Counts per dimension of each status and of each determined level, and the totals."""
    dimensions: dict[str, dict[str, int]] = {}
    for entry in document["entries"]:
        for item in entry["tradeoffs"]:
            row = dimensions.setdefault(
                item["dimension"], dict.fromkeys((*levels, *STATUSES), 0))
            row[item["status"]] += 1
            if item["level"] is not None:
                row[item["level"]] += 1
    total = dict.fromkeys((*levels, *STATUSES), 0)
    for row in dimensions.values():
        for key, count in row.items():
            total[key] += count
    pairs = sum(total[s] for s in STATUSES)
    return {"entries": len(document["entries"]), "pairs": pairs, "levels": list(levels),
            "dimensions": dimensions, "total": total,
            "share": {s: (total[s] / pairs if pairs else 0.0) for s in STATUSES},
            # A dimension that never uses a level cannot separate entries on that side of it.
            "levels_unused": {d: [lv for lv in levels if not row[lv]]
                              for d, row in dimensions.items()
                              if any(not row[lv] for lv in levels)}}


def summary_text(summary: dict) -> str:
    levels = summary["levels"]
    heads = ["dimension", *levels, "determined", "set by data", "not applicable", "unknown"]
    keys = [*levels, *STATUSES]
    rows = [[d, *(str(row[k]) for k in keys)] for d, row in summary["dimensions"].items()]
    rows.append(["total", *(str(summary["total"][k]) for k in keys)])
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    out = [line(heads), *(line(r) for r in rows), ""]
    share = summary["share"]
    out.append(f"{summary['entries']} entries x {len(summary['dimensions'])} dimensions = "
               f"{summary['pairs']} pairs: determined {share['determined']:.1%}, set by the "
               f"data {share['set_by_data']:.1%}, not applicable (the entry says the deciding "
               f"stage does not apply) {share['not_applicable']:.1%}, unknown "
               f"{share['unknown']:.1%}")
    # One entry has one level per dimension: the unused levels say nothing about the rules.
    for dim, unused in (summary["levels_unused"] if summary["entries"] > 1 else {}).items():
        out.append(f"{dim} never uses: {', '.join(unused)}")
    return "\n".join(out)
