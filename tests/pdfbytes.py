"""A PDF's bytes with its compressed streams inflated, to look for objects (links, language)."""

from __future__ import annotations

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def inflated(data: bytes) -> bytes:
    parts = [data]
    for match in STREAM.finditer(data):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # an image or a font: not objects
    return b"\n".join(parts)
