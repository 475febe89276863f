"""Streaming document downloads: gzip, charsets, truncation, dropped connections, expired URLs."""
from __future__ import annotations

import gzip
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from pipelines.spapi.documents import DocumentLocation, Utf8Sink, download, gunzip
from pipelines.spapi.errors import DocumentError

GERMAN = "sku\tproduct-name\tprice\nA-1\tSchneidebrett groß – Bambus für Küche\t12,99 €\n"
JAPANESE = "sku\tproduct-name\nJ-1\t竹製まな板 ①（大）\nJ-2\tステンレス水筒～５００ｍｌ\n"


def fetch(fake, client, tmp_path, name, content, **kw):
    url = fake.document(name, content, **kw)
    compression = "GZIP" if kw.get("gzip_it", True) and not kw.get("content_encoding") else None
    locations = []

    def locate():
        locations.append(url)
        return DocumentLocation(url, compression)

    result = client.download(locate, tmp_path / f"{name}.txt")
    return result, locations


def leftovers(tmp_path):
    return [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("label,codec,text", [
    ("UTF-8", "utf-8", "Bamboo board\tchef's knife ✓\n"),
    ("Cp1252", "cp1252", GERMAN),
    ("windows-1252", "cp1252", GERMAN),
    ("ISO-8859-1", "latin-1", "Käse\tcrème brûlée\n"),
    ("Shift_JIS", "cp932", JAPANESE),
    ("Windows-31J", "cp932", JAPANESE),
    ("windows-31j", "cp932", JAPANESE),
])
def test_gzip_document_decoded_by_declared_charset(fake, client, tmp_path, label, codec, text):
    result, _ = fetch(fake, client, tmp_path, "doc", text.encode(codec), content_type=f"text/plain;charset={label}")
    assert result.path.read_text("utf-8") == text
    assert result.charset == label
    assert leftovers(tmp_path) == []


def test_utf8_bom_is_stripped(fake, client, tmp_path):
    result, _ = fetch(fake, client, tmp_path, "bom", b"\xef\xbb\xbfsku\tname\n", content_type="text/plain; charset=UTF-8")
    assert result.path.read_bytes() == b"sku\tname\n"


def test_no_charset_utf8_is_kept(fake, client, tmp_path):
    result, _ = fetch(fake, client, tmp_path, "u", "naïve ✓\n".encode(), content_type="text/plain")
    assert result.path.read_text("utf-8") == "naïve ✓\n" and result.charset == "UTF-8"


def test_no_charset_falls_back_to_windows_1252_even_deep_in_the_file(fake, client, tmp_path):
    # a long ASCII prefix spans many chunks before the first non-UTF-8 byte
    text = "ascii line\n" * 20000 + GERMAN
    result, _ = fetch(fake, client, tmp_path, "w", text.encode("cp1252"), content_type=None)
    assert result.path.read_text("utf-8") == text and result.charset == "windows-1252"
    assert leftovers(tmp_path) == []


def test_sink_splits_multibyte_characters_across_chunks(tmp_path):
    raw = JAPANESE.encode("cp932")
    sink = Utf8Sink(tmp_path / "out.txt", "Shift_JIS")
    for i in range(len(raw)):
        sink.write(raw[i:i + 1])  # one byte at a time: every double-byte char is split
    sink.close()
    assert (tmp_path / "out.txt").read_text("utf-8") == JAPANESE


def test_undecodable_bytes_raise_document_error(fake, client, tmp_path):
    with pytest.raises(DocumentError, match="not valid UTF-8: byte 4"):
        fetch(fake, client, tmp_path, "bad", b"abcd\xff\xfe", content_type="text/plain;charset=UTF-8")
    assert list(tmp_path.iterdir()) == []


def test_content_encoding_gzip_is_decompressed(fake, client, tmp_path):
    rows = '{"a": 1, "name": "Küche"}\n{"a": 2, "name": "まな板"}\n'
    result, _ = fetch(fake, client, tmp_path, "dk", rows.encode(), gzip_it=False,
                      content_type="application/x-ndjson", content_encoding="gzip")
    assert result.path.read_text("utf-8") == rows


def test_uncompressed_document(fake, client, tmp_path):
    result, _ = fetch(fake, client, tmp_path, "plain", GERMAN.encode("cp1252"), gzip_it=False,
                      content_type="text/plain;charset=Cp1252")
    assert result.path.read_text("utf-8") == GERMAN


def test_multi_member_gzip():
    data = gzip.compress(b"first\n") + gzip.compress(b"second\n")
    assert b"".join(gunzip([data[:5], data[5:17], data[17:]])) == b"first\nsecond\n"


def test_a_truncated_gzip_body_is_downloaded_again(fake, client, tmp_path):
    text = GERMAN * 500
    result, _ = fetch(fake, client, tmp_path, "t", text.encode("cp1252"),
                      content_type="text/plain;charset=Cp1252", faults=("truncated",))
    assert result.path.read_text("utf-8") == text
    assert fake.ops().count("document") == 2


def test_a_document_that_stays_truncated_fails_and_leaves_no_file(fake, client, tmp_path):
    with pytest.raises(DocumentError, match="truncated"):
        fetch(fake, client, tmp_path, "t", (GERMAN * 500).encode("cp1252"),
              content_type="text/plain;charset=Cp1252", faults=("truncated",) * 20)
    assert list(tmp_path.iterdir()) == []


def test_dropped_connection_is_retried(fake, client, tmp_path):
    text = GERMAN * 200
    result, locations = fetch(fake, client, tmp_path, "d", text.encode("cp1252"),
                              content_type="text/plain;charset=Cp1252", faults=("drop", "drop"))
    assert result.path.read_text("utf-8") == text
    assert fake.ops().count("document") == 3 and len(locations) == 1  # same URL, still valid
    assert leftovers(tmp_path) == []


def test_document_host_5xx_is_retried(fake, client, tmp_path):
    result, _ = fetch(fake, client, tmp_path, "e", b"x\n", faults=("error500",))
    assert result.path.read_text() == "x\n"


def test_expired_url_is_replaced_by_a_fresh_one(fake, client, tmp_path):
    result, locations = fetch(fake, client, tmp_path, "x", GERMAN.encode("cp1252"),
                              content_type="text/plain;charset=Cp1252", faults=("expired",))
    assert result.path.read_text("utf-8") == GERMAN
    assert len(locations) == 2  # the caller was asked for a new URL


def test_expired_url_gives_up_after_bounded_attempts(fake, make_client, tmp_path):
    client = make_client(max_retries=2)
    with pytest.raises(DocumentError, match="AccessDenied Request has expired") as info:
        fetch(fake, client, tmp_path, "gone", b"x", faults=("expired",) * 5)
    assert "SIGNATURE" not in str(info.value)  # the presigned query string is a credential


def test_no_access_token_is_sent_to_the_document_host(fake, client, tmp_path):
    fetch(fake, client, tmp_path, "n", b"x\n")
    request = [r for op, r in fake.calls if op == "document"][0]
    assert "x-amz-access-token" not in request.headers  # also enforced by the fake for every test


class _HalfBodyHandler(BaseHTTPRequestHandler):
    """First GET sends half of a Content-Length body and closes the socket; later GETs are whole."""
    body = gzip.compress(("Grüße aus Köln\n" * 5000).encode("cp1252"))
    served = 0

    def do_GET(self):  # noqa: N802
        cls = type(self)
        cls.served += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/plain;charset=Cp1252")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        if cls.served == 1:
            self.wfile.write(self.body[: len(self.body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        else:
            self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def test_real_socket_closed_mid_body_is_retried(tmp_path, ftime):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HalfBodyHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/doc?X-Amz-Signature=s"
        with httpx.Client() as http:
            result = download(http, lambda: DocumentLocation(url, "GZIP"), tmp_path / "real.txt", timeout=5.0,
                              max_retries=3, max_seconds=30.0, base=0.01, cap=0.05,
                              sleep=ftime.sleep, clock=ftime.clock)
        assert result.path.read_text("utf-8") == "Grüße aus Köln\n" * 5000
        assert _HalfBodyHandler.served == 2
    finally:
        server.shutdown()
        server.server_close()
