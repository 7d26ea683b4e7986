"""Content-Encoding for test bodies: stacks of gzip/deflate/br, and decompression bombs built once per run."""

from __future__ import annotations

import functools
import gzip
import importlib
import zlib
from typing import Any


def _brotli() -> Any:
    """The brotli module when the fetcher decodes br with it (brotli ≥ 1.2; brotlipy, which pywb pulls in, is not)."""
    from monitor.sources.decoding import BROTLI_SUPPORTED

    return importlib.import_module("brotli") if BROTLI_SUPPORTED else None


BROTLI = _brotli()
# "deflate-raw" is sent as `deflate` but without the zlib wrapper, as some servers do.
CODINGS = ("gzip", "deflate", "deflate-raw", *(("br",) if BROTLI is not None else ()))


def encode(data: bytes, codings: list[str] | tuple[str, ...]) -> tuple[bytes, str]:
    """`data` with each coding applied in order; the Content-Encoding header that says so."""
    for coding in codings:
        if coding == "gzip":
            data = gzip.compress(data, 6, mtime=0)
        elif coding == "deflate":
            data = zlib.compress(data, 6)
        elif coding == "deflate-raw":
            c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            data = c.compress(data) + c.flush()
        elif coding == "br":
            data = BROTLI.compress(data, quality=5)
        elif coding != "identity":
            raise ValueError(coding)
    return data, ", ".join("deflate" if c == "deflate-raw" else c for c in codings)


def _zeros_compressed(megabytes: int, wbits: int) -> bytes:
    block = bytes(16 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join([c.compress(block) for _ in range(megabytes // 16)] + [c.flush()])


@functools.cache
def gzip_gzip_bomb() -> bytes:
    """About 1 KB that inflates to 512 MB of zeros through `Content-Encoding: gzip, gzip` (~1.5 s to build)."""
    return gzip.compress(_zeros_compressed(512, zlib.MAX_WBITS | 16), 9, mtime=0)


@functools.cache
def deflate_bomb() -> bytes:
    """About 150 KB of raw deflate (no zlib wrapper) that inflates to 144 MB of zeros."""
    return _zeros_compressed(144, -zlib.MAX_WBITS)
