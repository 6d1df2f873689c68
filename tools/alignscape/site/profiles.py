"""Trade-off profiles computed once per entry for a build, and kept across serve's live
rebuilds for the entries an edit did not change; and, kept the same way, per-entry memos of
what page families derive from an entry and its profile (entry_memo)."""

from __future__ import annotations

from alignscape.model import Catalog


def memoize_profiles(catalog: Catalog, previous: Catalog | None = None) -> Catalog:
    """Make catalog.profile(entry) computed once per entry (every page family asks for it),
    keeping the profiles of `previous` for the entries that did not change: a profile depends
    on the entry and the trade-off rules only, and only entries changed. The entry memos of
    `previous` are carried over too (their users check each entry, see entry_memo)."""
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
    catalog._entry_memos = {name: dict(kept) for name, kept in
                            getattr(previous, "_entry_memos", {}).items()}
    return catalog


def entry_memo(catalog: Catalog, name: str) -> dict:
    """The memo `name` of this catalog: entry id -> (entry, profile, value), for what a page
    family derives from an entry and its profile alone under the catalog's vocabulary (which a
    live rebuild never changes). A value holds while its entry is the same (`is`, or equal)
    and its profile the same object (memoize_profiles keeps it for an unchanged entry)."""
    memos = catalog.__dict__.setdefault("_entry_memos", {})
    return memos.setdefault(name, {})


def memoized(memo: dict, entry, profile, compute):
    """compute(), or what it gave for this entry and profile before (see entry_memo)."""
    known = memo.get(entry.id)
    if known is not None and known[1] is profile and (known[0] is entry or known[0] == entry):
        return known[2]
    value = compute()
    memo[entry.id] = (entry, profile, value)
    return value
