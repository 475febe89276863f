"""Typed warehouse errors: each names the file, table, column or value to fix."""
from __future__ import annotations

import errno
from pathlib import Path, PurePath

import duckdb


class WarehouseError(Exception):
    """Base class for warehouse errors."""


class MalformedReportError(WarehouseError):
    """A report document that cannot be landed as-is: a value that does not
    convert to its column's type, or a row with the wrong number of fields.

    The land that raised it changed nothing (it is one transaction). The document
    is a temporary file, gone by the time a person reads the error, so ``text``
    quotes the offending line (or JSON record), truncated.

    >>> print(MalformedReportError("raw_orders", "does not convert to BIGINT", column="quantity", value="n/a",
    ...                          line=3, path="work/GET_X-7.txt", text="111-3\\tn/a"))
    malformed report (table raw_orders, column quantity, line 3, document GET_X-7.txt): value 'n/a': does not convert to BIGINT; line 3 reads: '111-3\\tn/a'
    """

    def __init__(self, table: str, message: str, *, column: str | None = None, value: str | None = None,
                 line: int | None = None, path: str | None = None, text: str | None = None):
        self.table, self.column, self.value, self.line, self.path = table, column, value, line, path
        self.text = text
        where = [f"table {table}"]
        if column is not None:
            where.append(f"column {column}")
        if line is not None:
            where.append(f"line {line}")
        if path is not None:
            where.append(f"document {PurePath(path).name}")
        head = ", ".join(where)
        shown = f": value {value!r}" if value is not None else ""
        quoted = f"; line {line} reads: {text!r}" if text is not None else ""
        super().__init__(f"malformed report ({head}){shown}: {message}{quoted}")


class WarehouseLockTimeout(WarehouseError):
    """Another process kept the DuckDB file's write slot longer than ``lock_timeout``."""


class WarehouseConflictError(WarehouseError):
    """A DuckLake write kept losing its commit to concurrent writers past its retries; nothing of it was committed."""


class WarehouseBusyError(WarehouseError):
    """Another process (often a BI tool) has the DuckDB file open, so it cannot be written."""


class WarehouseDiskFullError(WarehouseError):
    """The disk under the DuckDB file (or DuckDB's temp dir) is full. The
    statement that raised it was rolled back: the table is as it was."""

    def __init__(self, doing: str, path: Path, temp_dir: Path, cause: BaseException):
        self.path, self.temp_dir = path, temp_dir
        super().__init__(f"no space left on device while {doing}: DuckDB file {path} (temp dir {temp_dir}); "
                         f"nothing was changed. Free space on that disk, or set WAREHOUSE_PATH to a file on "
                         f"a larger one. ({str(cause).splitlines()[0]})")


def is_disk_full(exc: BaseException) -> bool:
    """An OS or DuckDB error saying the disk is full (DuckDB only says it in its message).

    >>> is_disk_full(OSError(errno.ENOSPC, "No space left on device")), is_disk_full(OSError(errno.EACCES, "x"))
    (True, False)
    """
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    return isinstance(exc, duckdb.Error) and "No space left on device" in str(exc)


class ForeignDocumentError(WarehouseError):
    """A downloaded document is not the report that was asked for (empty bytes, an
    HTML error page, another report's header, JSON of another shape). Raised
    before landing: nothing was inserted or deleted.

    >>> str(ForeignDocumentError("report 7 (GET_X)", "doc-7", "text/html", b"<html>", "is not a GET_X document"))
    "report 7 (GET_X): document doc-7 is not a GET_X document (Content-Type 'text/html', first bytes b'<html>'). Nothing was landed or deleted: the rows already landed are kept."
    """

    def __init__(self, request: str, document_id: str | None, content_type: str | None, head: bytes,
                 problem: str):
        self.request, self.document_id, self.content_type, self.head = request, document_id, content_type, head
        self.problem = problem
        super().__init__(f"{request}: document {document_id} {problem} (Content-Type {content_type!r}, "
                         f"first bytes {head!r}). Nothing was landed or deleted: the rows already landed are kept.")
