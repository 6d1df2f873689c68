"""Findings as GitHub Actions workflow commands (`::error file=…,line=…::…`), which GitHub shows
as annotations on the pull request's diff."""

from __future__ import annotations

import os
from pathlib import Path


def escape_data(text: str) -> str:
    """The message part: %, CR and LF are percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title): the data escapes plus ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def repo_path(path: str, root: Path) -> str:
    """A finding's path relative to the repository root, with forward slashes."""
    absolute = os.path.abspath(path)
    try:
        return Path(absolute).relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def github_line(finding, root: Path) -> str:
    title = f"{finding.code} {finding.field}" if finding.field else finding.code
    message = finding.message + (f" ({finding.expected})" if finding.expected else "")
    props = ",".join([f"file={escape_property(repo_path(finding.path, root))}",
                      f"line={int(finding.line)}", f"col={int(finding.column)}",
                      f"title={escape_property(title)}"])
    return f"::error {props}::{escape_data(message)}"
