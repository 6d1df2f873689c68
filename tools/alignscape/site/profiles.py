"""Trade-off profiles computed once per entry for a build, and kept across serve's live
rebuilds for the entries an edit did not change."""

from __future__ import annotations

from alignscape.model import Catalog


def memoize_profiles(catalog: Catalog, previous: Catalog | None = None) -> Catalog:
    """Make catalog.profile(entry) computed once per entry (every page family asks for it),
    keeping the profiles of `previous` for the entries that did not change: a profile depends
    on the entry and the trade-off rules only, and only entries changed."""
    memo: dict[str, tuple] = dict(getattr(previous, "_profile_memo", {}))
    compute = catalog.profile

    def profile(entry):
        entry = catalog.entries[entry] if isinstance(entry, str) else entry
        known = memo.get(entry.id)
        if known is not None and (known[0] is entry or known[0] == entry):
            return known[1]
        value = compute(entry)
        memo[entry.id] = (entry, value)
        return value

    catalog._profile_memo = memo
    catalog.profile = profile
    return catalog
