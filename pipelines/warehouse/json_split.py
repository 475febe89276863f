"""A JSON report document streamed into JSON lines, one file per records array.

A JSON report is one object (``{"reportSpecification": {...}, "dataByAsin": [...]}``).
DuckDB reads such a document as a single value held whole in memory (about eight
times its size), so a large Brand Analytics report would not fit; its records
arrays are therefore copied, element by element, into newline-delimited files
that DuckDB streams. Memory stays at about one read buffer plus one record.

>>> import tempfile, pathlib
>>> doc = pathlib.Path(tempfile.mkdtemp()) / "r.json"
>>> _ = doc.write_text('{"reportSpecification": {"x": [1]}, "rows": [{"a": 1},\\n {"a":\\n"é"}], "other": []}')
>>> with json_lines(doc, ["rows", "other"]) as lines:
...     lines["rows"].path.read_text(encoding="utf-8"), lines["rows"].records, lines["other"].records
('{"a": 1}\\n{"a": "é"}\\n', 2, 0)
"""
from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

READ_CHUNK = 1 << 20  # characters read at a time
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class JsonDocumentError(ValueError):
    """The document is not a JSON object whose records arrays are arrays."""


@dataclass(frozen=True)
class Lines:
    path: Path
    records: int
    longest: int  # bytes of the longest line (DuckDB's maximum_object_size must exceed it)


@contextmanager
def json_lines(document: Path, arrays: Sequence[str]) -> Iterator[dict[str, Lines]]:
    """The elements of each top-level array in ``arrays`` as JSON lines files, in a
    folder beside ``document``, removed on exit. A missing (or null) array gives no lines."""
    folder = document.with_name(f".{document.name}.lines")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        yield split(document, arrays, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def split(document: Path, arrays: Sequence[str], folder: Path) -> dict[str, Lines]:
    """Write ``<folder>/<n>.jsonl`` per array (the n-th of ``arrays``); see ``json_lines``."""
    outs = {name: (folder / f"{n}.jsonl").open("w", encoding="utf-8") for n, name in enumerate(dict.fromkeys(arrays))}
    counts = dict.fromkeys(outs, 0)
    longest = dict.fromkeys(outs, 0)
    try:
        with open(document, encoding="utf-8") as fh:
            reader = _Reader(fh, document)
            for key in reader.object_keys():
                if key in outs and reader.peek() == "[":
                    for text in reader.array(raw=True):
                        # a raw line break is whitespace in JSON (strings escape theirs): one record, one line
                        line = text.replace("\n", " ").replace("\r", " ")
                        outs[key].write(line + "\n")
                        counts[key] += 1
                        longest[key] = max(longest[key], len(line.encode("utf-8")))
                elif key in outs and reader.peek() != "n":  # null: no records
                    raise reader.error(f"{key!r} is not an array of records")
                else:
                    reader.skip()
    finally:
        for out in outs.values():
            out.close()
    return {name: Lines(Path(out.name), counts[name], longest[name]) for name, out in outs.items()}


class _Reader:
    """A forward-only reader of one JSON object, decoding a value at a time."""

    def __init__(self, fh, document: Path):
        self.fh, self.document = fh, document
        self.buf, self.pos, self.offset, self.eof = "", 0, 0, False
        self.decoder = json.JSONDecoder()

    def error(self, message: str, at: int | None = None) -> JsonDocumentError:
        where = self.offset + (self.pos if at is None else at)
        return JsonDocumentError(f"not a JSON object of records arrays at character {where}: {message}")

    def _more(self) -> bool:
        chunk = "" if self.eof else self.fh.read(READ_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.offset += self.pos
        self.buf, self.pos = self.buf[self.pos:] + chunk, 0
        return True

    def peek(self) -> str:
        """The next non-blank character ('' at the end)."""
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf) or not self._more():
                return self.buf[self.pos:self.pos + 1]

    def expect(self, chars: str) -> str:
        c = self.peek()
        if not c or c not in chars:
            raise self.error(f"expected {' or '.join(repr(x) for x in chars)}, found {c or 'the end'!r}")
        self.pos += 1
        return c

    def value(self, raw: bool = False):
        """The next value, decoded (or with ``raw``, its JSON text as written)."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise self.error(exc.msg, exc.pos) from None
            if end == len(self.buf) and not self.eof and self._more():
                continue  # a number or literal may go on in the next chunk: decode it whole
            start, self.pos = self.pos, end
            return self.buf[start:end] if raw else value

    def skip(self) -> None:
        """Read past a value; an array element by element (a large one is decoded piece by piece)."""
        if self.peek() == "[":
            for _ in self.array():
                pass
        else:
            self.value()

    def object_keys(self) -> Iterator[str]:
        """The top-level keys; the caller reads each value before asking for the next key."""
        self.expect("{")
        if self.peek() == "}":
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self.error("expected a key")
            self.expect(":")
            yield key
            if self.expect(",}") == "}":
                return

    def array(self, raw: bool = False) -> Iterator:
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value(raw)
            if self.expect(",]") == "]":
                return
