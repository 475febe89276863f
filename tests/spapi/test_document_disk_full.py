"""A document download on a full disk names the file and "no space left", and leaves no partial file."""
from __future__ import annotations

import errno
import gzip

import httpx
import pytest

from pipelines.spapi import documents
from pipelines.spapi.documents import DocumentLocation, download
from pipelines.spapi.errors import DocumentError


def test_a_full_disk_while_writing_a_document_names_it(tmp_path, monkeypatch):
    body = gzip.compress("order-id\tship-city\n111-1\tBoston\n".encode())
    http = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(
        200, stream=httpx.ByteStream(body), headers={"content-type": "text/plain;charset=UTF-8"})))
    written = []

    def full_disk(sink, raw, text):
        written.append(sink.path.name)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(documents.Utf8Sink, "_emit", full_disk)
    dest = tmp_path / "GET_X-5.txt"
    with pytest.raises(DocumentError) as info:
        download(http, lambda: DocumentLocation("http://127.0.0.1:9/doc", "GZIP"), dest, timeout=5, max_retries=2,
                 max_seconds=10, base=0, cap=0, sleep=lambda s: None, clock=lambda: 0.0)
    assert str(info.value) == (f"no space left on device writing the document {dest} (as {written[0]}); "
                               f"free space on that disk")
    assert len(written) == 1  # not retried: a full disk stays full
    assert list(tmp_path.iterdir()) == []
