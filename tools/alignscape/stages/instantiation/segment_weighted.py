"""Segment weights (RLHF-V's dense feedback): for each pair, the character spans where chosen
and rejected differ (``chosen_segments`` / ``rejected_segments``: [[start, end], ...],
word-level diff), so a trainer can up-weight the corrected tokens. Most informative for
revised_vs_original and original_vs_perturbed pairs."""

import difflib
import re

from alignscape.stages.instantiation._columns import column_stage

OPTION = "instantiation.weighting.segment_weighted"


def _spans(text):
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def diff_segments(a: str, b: str) -> tuple[list, list]:
    sa, sb = _spans(a), _spans(b)
    ta, tb = [a[s:e] for s, e in sa], [b[s:e] for s, e in sb]
    out_a, out_b = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb,
                                                       autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            out_a.append([sa[i1][0], sa[i2 - 1][1]])
        if j2 > j1:
            out_b.append([sb[j1][0], sb[j2 - 1][1]])
    return out_a, out_b


def for_pair(p, chosen, rejected, record, config, ctx):
    segs_c, segs_r = diff_segments(chosen["text"], rejected["text"])
    return {"chosen_segments": segs_c, "rejected_segments": segs_r}


apply = column_stage(OPTION, for_pair=for_pair)
