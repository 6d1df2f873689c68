"""Tools for contributors: the changed-entry set and GitHub annotations for validation, the
entry and BibTeX formatter, the BibTeX merge, the `new` wizard and the proposal issue form.

Sits above the catalog and model layers (it builds and checks drafts through them) and below
the commands that expose it.
"""
