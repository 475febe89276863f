"""Typed warehouse errors: each names the file, table, column or value to fix."""
from __future__ import annotations


class WarehouseError(Exception):
    """Base class for warehouse errors."""


class MalformedReportError(WarehouseError):
    """A report document that cannot be landed as-is: a value that does not
    convert to its column's type, or a row with the wrong number of fields.

    The land that raised it changed nothing (it is one transaction).
    """

    def __init__(self, table: str, message: str, *, column: str | None = None,
                 value: str | None = None, line: int | None = None, path: str | None = None):
        self.table, self.column, self.value, self.line, self.path = table, column, value, line, path
        where = [f"table {table}"]
        if column is not None:
            where.append(f"column {column}")
        if line is not None:
            where.append(f"line {line}")
        if path is not None:
            where.append(f"file {path}")
        head = ", ".join(where)
        shown = f": value {value!r}" if value is not None else ""
        super().__init__(f"malformed report ({head}){shown}: {message}")


class WarehouseLockTimeout(WarehouseError):
    """Another process kept the DuckDB file's write slot longer than ``lock_timeout``."""


class WarehouseBusyError(WarehouseError):
    """Another process (often a BI tool) has the DuckDB file open, so it cannot be written."""
