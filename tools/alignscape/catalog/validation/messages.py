"""How validation findings phrase what was expected: one suggestion (alignscape.suggest) and a
short list of allowed values when the list is short enough to help."""

from __future__ import annotations

from alignscape.suggest import suggest

TYPE_NAMES = {dict: "a mapping", list: "a list", str: "a string", int: "an integer",
              float: "a number", bool: "a boolean", type(None): "empty (null)"}


def short(message: str) -> str:
    return message if len(message) < 160 else message[:157] + "..."


def expect(value, allowed, what: str = "") -> str:
    allowed = [str(a) for a in allowed]
    close = suggest(str(value), allowed)
    if len(allowed) > 30:  # a long list helps nobody; the suggestion does
        return f"did you mean {close!r}?" + (f" expected {what}" if what else "") if close \
            else (f"expected {what}" if what else "")
    listing = ", ".join(allowed[:12]) + (", ..." if len(allowed) > 12 else "")
    text = f"expected {what}: {listing}" if what else f"expected one of: {listing}"
    return f"did you mean {close!r}? {text}" if close else text
