"""Stream a report / Data Kiosk document from its presigned URL to a UTF-8 file.

The body goes to disk chunk by chunk — never whole in memory:

1. gunzip incrementally when the document says ``compressionAlgorithm: GZIP``
   (Reports API) or the response says ``Content-Encoding: gzip`` (Data Kiosk);
   multi-member gzip is supported; a stream that ends before the gzip trailer
   raises DocumentError (truncated document);
2. decode by the charset of the response's ``Content-Type`` with an incremental
   decoder and write UTF-8. Amazon's labels map to Python codecs: UTF-8;
   Cp1252 → windows-1252; Shift_JIS / windows-31j → cp932 (Microsoft's superset
   of Shift_JIS, which Amazon JP documents actually use); ISO-8859-1 → latin-1.
   UTF-8 input is validated and copied as-is (a leading BOM is dropped).
   **No charset declared**: the document is read as UTF-8 while it decodes as
   UTF-8; at the first invalid byte it is re-read as windows-1252 (the common
   Western-European legacy encoding of Amazon flat files). This is safe because
   a windows-1252 text with accents is almost never valid UTF-8, while pure ASCII
   is identical in both; the UTF-8 prefix already written is converted, not
   downloaded again.
3. write to a hidden temp name in the destination directory and rename on
   success, so a partial file is never mistaken for a whole one.

Failures: a dropped connection, an incomplete body or a 5xx from the document
host is retried (bounded); an HTTP 403 from the host (S3 ``AccessDenied``,
"Request has expired": presigned URLs live 5 minutes) asks ``locate`` for a
fresh URL — the caller calls getReportDocument / getDocument again.
Downloads never send the SP-API access token: the URL carries its own signature.
"""
from __future__ import annotations

import codecs
import errno
import logging
import os
import re
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import httpx

from .errors import DocumentError, ExpiredUrlError
from .retry import retrying

log = logging.getLogger("pipelines.spapi")

CHUNK = 1 << 16
MAX_INFLATE = 1 << 20  # bound on bytes inflated from one input chunk (gzip bombs stay flat in memory)
UTF8_BOM = codecs.BOM_UTF8

_CHARSET_ALIASES = {
    "utf-8": "utf-8", "utf8": "utf-8",
    "cp1252": "cp1252", "windows-1252": "cp1252", "x-cp1252": "cp1252",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "windows-31j": "cp932", "ms932": "cp932", "cp932": "cp932", "ms_kanji": "cp932",
    "iso-8859-1": "latin-1", "iso8859-1": "latin-1", "iso_8859-1": "latin-1", "latin-1": "latin-1",
    "latin1": "latin-1", "8859_1": "latin-1",
}
FALLBACK_CHARSET = "windows-1252"


@dataclass(frozen=True)
class DocumentLocation:
    """Where a document is and how it is compressed (``compression`` None or "GZIP")."""
    url: str
    compression: str | None = None


@dataclass(frozen=True)
class Downloaded:
    path: Path
    charset: str  # charset label of the source ("Cp1252", "UTF-8", ...; detected when undeclared)
    content_type: str | None
    compressed_bytes: int  # bytes received from the host


def codec_for(label: str) -> str:
    """Python codec for an Amazon charset label.

    >>> codec_for("Cp1252"), codec_for("Shift_JIS"), codec_for("Windows-31J"), codec_for("ISO-8859-1")
    ('cp1252', 'cp932', 'cp932', 'latin-1')
    """
    name = label.strip().strip('"').lower()
    if name in _CHARSET_ALIASES:
        return _CHARSET_ALIASES[name]
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise DocumentError(f"document declares an unknown charset {label!r}") from None


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any.

    >>> charset_of("text/plain;charset=Cp1252")
    'Cp1252'
    """
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*\"?([^\";\s]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def safe_url(url: str) -> str:
    """Scheme, host and path only: the query string of a presigned URL is a credential."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def gunzip(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Inflate a (possibly multi-member) gzip stream incrementally; raise on truncation."""
    inflater = zlib.decompressobj(wbits=31)
    seen = False
    for chunk in chunks:
        data = chunk
        while data:
            seen = True
            try:
                out = inflater.decompress(data, MAX_INFLATE)
            except zlib.error as exc:
                raise DocumentError(f"document is not valid gzip: {exc}") from None
            if out:
                yield out
            if inflater.unconsumed_tail:
                data = inflater.unconsumed_tail
            elif inflater.eof and inflater.unused_data:
                data = inflater.unused_data  # next gzip member
                inflater = zlib.decompressobj(wbits=31)
            else:
                data = b""
    if seen and not inflater.eof:
        raise TruncatedDocumentError("gzip stream ended before its end marker: the document is truncated")


class Utf8Sink:
    """Receives decoded-source bytes in order and writes UTF-8 to ``path``."""

    def __init__(self, path: Path, label: str | None):
        self.path = path
        self.label = label or "UTF-8"
        self._detect = label is None
        self._codec = codec_for(label) if label else "utf-8"
        self._decoder = codecs.getincrementaldecoder(self._codec)("strict")
        self._out: BinaryIO = open(path, "wb")
        self._offset = 0  # source bytes consumed so far
        self._started = False

    def write(self, data: bytes) -> None:
        if not self._started:
            self._started = True
            if self._codec == "utf-8" and data.startswith(UTF8_BOM):
                data = data[len(UTF8_BOM):]
                self._offset += len(UTF8_BOM)
        try:
            text = self._decoder.decode(data)
        except UnicodeDecodeError as exc:
            if self._detect and self._codec == "utf-8":
                self._switch_to_fallback()
                return self.write(data)
            raise self._decode_error(exc) from None
        self._emit(data, text)
        self._offset += len(data)

    def _emit(self, raw: bytes, text: str) -> None:
        if self._codec == "utf-8":
            self._out.write(raw)  # already valid UTF-8 (just checked): no transcoding
        else:
            if self._offset == 0 and text.startswith("\ufeff"):
                text = text[1:]
            self._out.write(text.encode("utf-8"))

    def _switch_to_fallback(self) -> None:
        """Re-read the UTF-8 prefix written so far as windows-1252 (its bytes are the source bytes)."""
        self._out.close()
        prefix = self.path.with_name(self.path.name + ".utf8")
        os.replace(self.path, prefix)
        self._codec, self.label, self._detect = "cp1252", FALLBACK_CHARSET, False
        self._decoder = codecs.getincrementaldecoder("cp1252")("strict")
        self._out = open(self.path, "wb")
        consumed, self._offset = self._offset, 0
        try:
            with open(prefix, "rb") as src:
                while block := src.read(CHUNK):
                    self.write(block)
        finally:
            prefix.unlink(missing_ok=True)
        self._offset = consumed
        log.info("document declares no charset and is not UTF-8: decoding it as %s", FALLBACK_CHARSET)

    def _decode_error(self, exc: UnicodeDecodeError) -> DocumentError:
        return DocumentError(
            f"document is not valid {self.label}: byte {self._offset + exc.start} cannot be decoded ({exc.reason})"
        )

    def close(self) -> None:
        try:
            tail = self._decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            self._out.close()
            raise self._decode_error(exc) from None
        if tail:
            self._out.write(tail.encode("utf-8"))
        self._out.close()

    def abort(self) -> None:
        try:
            self._out.close()
        except OSError:
            pass  # flushing the buffer fails again on a full disk; the file is deleted anyway


class _TransientDownload(DocumentError):
    """The document host answered 5xx/429: try again."""


class TruncatedDocumentError(DocumentError):
    """The body ended before its gzip end marker. A transfer cut short, not a bad
    report: downloading again (bounded) gets the whole document."""


def _refused(resp: httpx.Response) -> DocumentError:
    body = resp.read()[:4096].decode("utf-8", "replace")
    code = re.search(r"<Code>(.*?)</Code>", body)
    message = re.search(r"<Message>(.*?)</Message>", body)
    said = " ".join(m.group(1) for m in (code, message) if m) or body[:200].strip()
    where = safe_url(str(resp.request.url))
    if resp.status_code == 403:
        return ExpiredUrlError(f"document host refused the presigned URL {where}: HTTP 403 {said}")
    if resp.status_code in (429, 500, 502, 503, 504):
        return _TransientDownload(f"document host {where} answered HTTP {resp.status_code} {said}")
    return DocumentError(f"document download from {where} failed: HTTP {resp.status_code} {said}")


def _download_once(http: httpx.Client, location: DocumentLocation, dest: Path, timeout: float) -> Downloaded:
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.part")
    sink: Utf8Sink | None = None
    received = 0
    try:
        with http.stream("GET", location.url, timeout=timeout, follow_redirects=True) as resp:
            if resp.status_code != 200:
                raise _refused(resp)
            content_type = resp.headers.get("content-type")
            encoding = (resp.headers.get("content-encoding") or "").lower()
            gzipped = (location.compression or "").upper() == "GZIP" or "gzip" in encoding
            sink = Utf8Sink(tmp, charset_of(content_type))

            def raw() -> Iterator[bytes]:
                nonlocal received
                for chunk in resp.iter_raw(CHUNK):
                    received += len(chunk)
                    yield chunk

            for data in (gunzip(raw()) if gzipped else raw()):
                sink.write(data)
            sink.close()
        os.replace(tmp, dest)
        return Downloaded(dest, sink.label, content_type, received)
    except BaseException as exc:
        if sink is not None:
            sink.abort()
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise DocumentError(f"no space left on device writing the document {dest} (as {tmp.name}); "
                                f"free space on that disk") from exc
        raise


def download(
    http: httpx.Client,
    locate: Callable[[], DocumentLocation],
    dest: Path,
    *,
    timeout: float,
    max_retries: int,
    max_seconds: float,
    base: float,
    cap: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> Downloaded:
    """Download the document ``locate()`` points at into ``dest`` (UTF-8).

    ``locate`` is called for the first attempt and again whenever the URL was
    refused (expired); a dropped connection retries the same URL.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    current: list[DocumentLocation] = []

    def attempt() -> Downloaded:
        if not current:
            current.append(locate())
        try:
            return _download_once(http, current[0], dest, timeout)
        except ExpiredUrlError:
            current.clear()
            raise
        except httpx.TransportError as exc:
            raise _TransientDownload(
                f"connection to the document host dropped ({type(exc).__name__}: {exc})"
            ) from None

    policy = retrying(
        what=f"download to {dest.name}",
        should_retry=lambda e: isinstance(e, (ExpiredUrlError, _TransientDownload, TruncatedDocumentError)),
        max_retries=max_retries, max_seconds=max_seconds, base=base, cap=cap, sleep=sleep, clock=clock,
        count_attempt_time=False,  # the budget bounds the waits: a big document may stream for longer
    )
    result = policy(attempt)
    log.info("downloaded document to %s (%s, %d bytes received)", dest.name, result.charset, result.compressed_bytes)
    return result
