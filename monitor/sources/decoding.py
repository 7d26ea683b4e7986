"""Content-Encoding undone while the body streams, never more than a small piece at a time.

httpx decodes each received chunk whole: 3 KB of `gzip, gzip` can inflate to gigabytes in
one call, before any size cap could look. Here every stage hands on at most PIECE bytes per
step (zlib's max_length, brotli's output_buffer_limit), so the caller's cap on decoded bytes
bounds memory whatever the ratio. gzip, deflate (zlib-wrapped or raw), br when the brotli
package with bounded output (1.2+) is installed, and identity; anything else is refused, and
so is a stack of more than MAX_ENCODINGS.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Iterator
from typing import Any, Protocol

from monitor.core.errors import FetchError

PIECE = 64 * 1024
MAX_ENCODINGS = 2


def _bounded_brotli() -> Any:
    try:
        module = importlib.import_module("brotli")
    except ImportError:
        return None
    return module if hasattr(module.Decompressor(), "can_accept_more_data") else None


_BROTLI = _bounded_brotli()
BROTLI_SUPPORTED = _BROTLI is not None  # brotli ≥ 1.2 (bounded output); brotlipy and older brotli are not
ACCEPT_ENCODING = "gzip, deflate, br" if _BROTLI is not None else "gzip, deflate"


class _Stage(Protocol):
    name: str

    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finished(self) -> bool: ...


class _Zlib:
    """gzip, or deflate as sent in practice: zlib-wrapped (RFC 9110) or raw, told apart by the header."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._d: Any = zlib.decompressobj(zlib.MAX_WBITS | 16) if name == "gzip" else None
        self._head = b""  # deflate: the first bytes, until there are two to read the header from
        self._fed = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        self._fed = True
        if self._d is None:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._d = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        try:
            while not self._d.eof:  # bytes after the end of the stream are ignored, as httpx does
                before = len(data)
                out = self._d.decompress(data, PIECE)
                data = self._d.unconsumed_tail
                if out:
                    yield out
                elif not data:
                    return
                elif len(data) == before:  # no output and no progress: never seen, but never a silent loop
                    raise zlib.error
        except zlib.error:
            raise FetchError(f"undecodable response body ({self.name})") from None

    def finished(self) -> bool:
        return not self._fed or (self._d is not None and bool(self._d.eof))


class _Brotli:
    name = "br"

    def __init__(self) -> None:
        self._d = _BROTLI.Decompressor()
        self._fed = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        self._fed = True
        try:
            # A piece may pass PIECE somewhat (the buffer stops growing once past it); more output
            # then waits for calls with empty input, until one gives nothing.
            out = self._d.process(data, output_buffer_limit=PIECE)
            while out:
                yield out
                out = self._d.process(b"", output_buffer_limit=PIECE)
            if not self._d.can_accept_more_data():
                raise _BROTLI.error("no progress")
        except _BROTLI.error:
            raise FetchError("undecodable response body (br)") from None

    def finished(self) -> bool:
        return not self._fed or bool(self._d.is_finished())


def _stage(name: str) -> _Stage:
    if name in ("gzip", "x-gzip"):
        return _Zlib("gzip")
    if name == "deflate":
        return _Zlib("deflate")
    if name == "br" and _BROTLI is not None:
        return _Brotli()
    raise FetchError(f"unsupported content encoding {name[:40]!r}")


class BodyDecoder:
    """Feed raw body bytes as they arrive, take decoded pieces of at most PIECE bytes; finish() at the end."""

    def __init__(self, content_encoding: str) -> None:
        names = [n.strip().lower() for n in content_encoding.split(",")]
        names = [n for n in names if n and n != "identity"]
        if len(names) > MAX_ENCODINGS:
            raise FetchError(f"refused response with {len(names)} stacked content encodings (at most {MAX_ENCODINGS})")
        self._stages = [_stage(n) for n in reversed(names)]  # the last encoding applied is undone first

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, data)

    def finish(self) -> None:
        """The end of the body: a compressed stream that has not ended is an incomplete response."""
        for stage in self._stages:
            if not stage.finished():
                raise FetchError(f"incomplete response: the {stage.name} stream ends early")

    def _through(self, i: int, data: bytes) -> Iterator[bytes]:
        if i == len(self._stages):
            if data:
                yield data
            return
        for piece in self._stages[i].feed(data):
            if piece:
                yield from self._through(i + 1, piece)
