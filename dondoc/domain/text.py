"""Text helpers shared by every view: ASCII slugs for keys and file names."""

from __future__ import annotations

import re
import unicodedata


def slug(text: str) -> str:
    """Lowercase ASCII letters, digits and dashes: ``11677/UBND-HCC`` → ``11677-ubnd-hcc``, ``Đồng Nai`` → ``dong-nai``.

    What Prefect accepts in artifact keys and what every file system accepts in a file name.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
