"""The entry pages in sitemap.xml and sitemap.xml.gz: mkdocs lists the shell page (entries
are never mkdocs pages); its <url> block, as the theme's sitemap template wrote it, is the
model of every entry's, and is itself removed."""

from __future__ import annotations

import gzip
import io
import re
import struct
from pathlib import Path

from alignscape.site import shell
from alignscape.site.errors import SiteError

_BLOCK = re.compile(r"[ \t]*<url>\s*<loc>[^<]*/entries/" + re.escape(shell.NAME) +
                    r"\.html</loc>.*?</url>\n?", re.S)


def with_entries(text: str, ids: list[str], where: str) -> str:
    """sitemap.xml's `text` with the shell's block replaced by one block per entry id."""
    match = _BLOCK.search(text)
    if match is None:
        raise SiteError(f"{where}: the entry page shell is not in the sitemap")
    block = match.group(0)
    name = f"{shell.NAME}.html"
    entries = "".join(block.replace(name, f"{i}.html") for i in ids)
    return text[:match.start()] + entries + text[match.end():]


def write(site: Path, text: str) -> None:
    """sitemap.xml and its gzip copy, as mkdocs writes them (the gzip header keeps the file
    name and the build time mkdocs stamped into the copy it wrote)."""
    path = site / "sitemap.xml"
    gz = site / "sitemap.xml.gz"
    mtime = None
    if gz.is_file():
        with gz.open("rb") as f:
            head = f.read(8)
        if len(head) == 8:
            mtime = struct.unpack("<I", head[4:8])[0]
    data = text.encode("utf-8")
    for target, payload in ((path, data), (gz, _gzip(data, mtime))):
        part = target.with_name(target.name + ".part")
        part.write_bytes(payload)
        part.replace(target)


def _gzip(data: bytes, mtime: int | None) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, filename="sitemap.xml.gz", mode="wb",
                       mtime=mtime) as out:
        out.write(data)
    return buffer.getvalue()
