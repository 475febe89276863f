"""Report and Data Kiosk documents: gzip files on disk behind presigned-style URLs.

A URL is ``/_documents/<id>?X-Amz-Algorithm=…&X-Amz-Date=…&X-Amz-Expires=…&X-Amz-Signature=…``
on the sandbox itself. Each signature is remembered with its expiry, so a URL
stops working ``ttl`` seconds after it is handed out (S3's 403 AccessDenied
"Request has expired"). Documents live in a temporary directory until the
server stops (the sandbox keeps them for its lifetime rather than for the
query's ``@resultRetention``).
"""
from __future__ import annotations

import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

DOCUMENT_PATH = "/_documents/"


@dataclass(frozen=True)
class Document:
    id: str
    path: Path  # gzip-compressed content
    content_type: str
    content_encoding: bool  # serve with "Content-Encoding: gzip" (Data Kiosk); reports opt in per URL


@dataclass(frozen=True)
class SignedUrl:
    document_id: str
    expires_at: float  # time.monotonic()
    content_encoding: bool


class S3Error(Exception):
    """An S3-style XML error for document downloads."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def xml(self) -> bytes:
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{self.code}</Code>'
                f"<Message>{self.message}</Message><RequestId>{secrets.token_hex(8).upper()}</RequestId>"
                f"</Error>").encode()


class DocumentStore:
    def __init__(self, ttl: float = 300.0):
        self.ttl = ttl
        self._dir = tempfile.TemporaryDirectory(prefix="spapi-sandbox-")
        self.root = Path(self._dir.name)
        self._docs: dict[str, Document] = {}
        self._urls: dict[str, SignedUrl] = {}
        self._lock = threading.Lock()

    def new_path(self, document_id: str) -> Path:
        return self.root / (document_id.replace("/", "_") + ".gz")

    def add(self, document_id: str, path: Path, content_type: str, content_encoding: bool = False) -> Document:
        doc = Document(document_id, path, content_type, content_encoding)
        with self._lock:
            self._docs[document_id] = doc
        return doc

    def get(self, document_id: str) -> Document | None:
        with self._lock:
            return self._docs.get(document_id)

    def sign(self, base_url: str, document_id: str, *, expired: bool = False, content_encoding: bool = False) -> str:
        """A URL for the document, valid ``ttl`` seconds from now (or already expired)."""
        now = datetime.now(timezone.utc)
        signature = secrets.token_hex(32)
        expires_at = time.monotonic() + (-1.0 if expired else self.ttl)
        with self._lock:
            self._urls[signature] = SignedUrl(document_id, expires_at, content_encoding)
        query = urlencode({
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Date": now.strftime("%Y%m%dT%H%M%SZ"),
            "X-Amz-SignedHeaders": "host",
            "X-Amz-Expires": f"{self.ttl:g}",
            "X-Amz-Signature": signature,
        })
        return f"{base_url}{DOCUMENT_PATH}{document_id}?{query}"

    def resolve(self, document_id: str, query: dict[str, list[str]]) -> tuple[Document, bool]:
        """The document a URL opens and whether to send Content-Encoding; S3Error when it does not."""
        signature = (query.get("X-Amz-Signature") or [""])[0]
        with self._lock:
            signed = self._urls.get(signature)
            doc = self._docs.get(document_id)
        if signed is None or signed.document_id != document_id or doc is None:
            raise S3Error(403, "AccessDenied", "Access Denied")
        if time.monotonic() >= signed.expires_at:
            raise S3Error(403, "AccessDenied", "Request has expired")
        return doc, doc.content_encoding or signed.content_encoding

    def close(self) -> None:
        self._dir.cleanup()
