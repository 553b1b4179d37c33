"""Deflate, as the archive's gzip members and the store's packed texts use it.

zlib-ng writes the same gzip and zlib streams as zlib, about twice as fast: any gzip or zlib reader (warcio,
the standard library) reads what it writes. On 68 real pages of htmldate's evaluation set, level 5 gzips
HTML at 145 MB/s against 61 MB/s for zlib at level 6, for files 0.9% larger; level 2 packs extracted texts
at 127 MB/s against 93 MB/s for zlib at level 1, and smaller (2.56 : 1 against 2.47 : 1).
"""

from __future__ import annotations

try:
    from zlib_ng import zlib_ng as deflate
except ImportError:  # pragma: no cover - a platform without a zlib-ng build: slower, the same formats
    import zlib as deflate  # type: ignore[no-redef]

__all__ = ["deflate"]
