"""Drop ties: pairs whose candidates were judged equal (equal scores or a tie verdict) are
removed; how many is recorded per prompt. Pairing already drops ties unless ``ties: keep``;
this stage makes the choice explicit and also removes ties kept by an earlier rule."""

from alignscape.stages.instantiation._filters import pair_filter

OPTION = "instantiation.filtering.drop_ties"
apply = pair_filter(OPTION, lambda p, record, config: not p.get("tie"))
