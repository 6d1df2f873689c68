"""Same-family preference, descriptively: do the OpenAI-family generators fare better with the
GPT-4 judge than the others, before and after length control?

Groups (from the pool; the judge is GPT-4 and the baseline text_davinci_003, both OpenAI):
``openai`` = gpt4_1106_preview, gpt35_turbo_instruct; ``other`` = every other judged
generator with outputs. For each group: the raw win rate (all its comparisons pooled) and the
LC win rate (the mean of its members' LC win rates, each member weighted equally), and the
difference openai - other of each, with prompt-clustered bootstrap intervals (the same
replicates as length_control, so the groups' shared prompts are resampled together).

This is NOT a measurement of self-preference: the OpenAI models here are also the strongest
in the pool, and without an independent quality label (human or otherwise) the data cannot
separate "the judge favours its own family" from "its family writes better answers". Several
"other" models were themselves trained on OpenAI-model outputs (alpaca-7b on
text-davinci-003's, for one), which blurs the family line further. Read the numbers as an
upper bound on family preference plus quality, and the raw-minus-LC gap as how much of each
group's standing is length.
"""

from __future__ import annotations

import numpy as np

from alignscape.measure.stats import estimate

OPENAI_FAMILY = ("gpt4_1106_preview", "gpt35_turbo_instruct")


def analyse(data, lc) -> dict:
    generators = lc.generators
    fam = [g for g in generators if g in OPENAI_FAMILY]
    rest = [g for g in generators if g not in OPENAI_FAMILY]
    if not fam or not rest:
        return {"definition": __doc__.strip(), "available": False,
                "why": "the pool has no judged generators on both sides of the family line"}
    y = data.y[lc.mask]
    gens = data.generator[lc.mask]
    W = lc.boot.weights

    def raw(members):
        sel = np.isin(gens, members)
        point = float(y[sel].mean())
        w = W[:, sel]
        return point, (w @ y[sel]) / w.sum(1)

    def lcm(members):
        point = float(np.mean([lc.point[g]["lc"] for g in members]))
        return point, np.mean([lc.replicates[g]["lc"] for g in members], axis=0)

    out = {"definition": __doc__.strip(), "available": True,
           "groups": {"openai": fam, "other": rest}}
    for name, fn in (("raw_win_rate", raw), ("lc_win_rate", lcm)):
        (pf, rf), (po, ro) = fn(fam), fn(rest)
        out[name] = {"openai": estimate(pf, rf), "other": estimate(po, ro),
                     "difference": estimate(pf - po, rf - ro)}
    (pf_raw, rf_raw), (pf_lc, rf_lc) = raw(fam), lcm(fam)
    (po_raw, ro_raw), (po_lc, ro_lc) = raw(rest), lcm(rest)
    out["raw_minus_lc"] = {
        "openai": estimate(pf_raw - pf_lc, rf_raw - rf_lc),
        "other": estimate(po_raw - po_lc, ro_raw - ro_lc),
    }
    out["n"] = {"openai": int(np.isin(gens, fam).sum()), "other": int(np.isin(gens, rest).sum())}
    return out
