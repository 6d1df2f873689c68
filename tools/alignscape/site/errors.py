"""The one exception site generation raises."""

from __future__ import annotations


class SiteError(Exception):
    """A problem that stops the build, phrased for the person running it."""
