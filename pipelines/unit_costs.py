"""Unit costs: a CSV the user maintains, one cost per SKU, marketplace and start day.

Columns (header required, any order): ``sku, marketplace_id, unit_cost, currency,
valid_from``. A cost applies from ``valid_from`` (YYYY-MM-DD) until the SKU's next
row; ``unit_cost`` is a decimal in ``currency`` (an ISO 4217 code such as USD).
The file is ``SPAPI_UNIT_COSTS``, by default ``<SPAPI_DATA_DIR>/unit_costs.csv``
(the sandbox's default is the shipped ``queries/unit_costs.sample.csv``). No file
means no costs: the table is empty and margins are NULL.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "costs.csv"
>>> _ = path.write_text("sku,marketplace_id,unit_cost,currency,valid_from\\nA-1,ATVPDKIKX0DER,4.5O,USD,2026-01-01\\n")
>>> load_unit_costs(path)
Traceback (most recent call last):
...
pipelines.unit_costs.UnitCostError: ... line 2, column unit_cost: '4.5O' is not a decimal number (e.g. 4.50)
"""
from __future__ import annotations

import csv
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pipelines.warehouse.sources import sql_literal

UNIT_COSTS_VAR = "SPAPI_UNIT_COSTS"
SAMPLE_PATH = Path(__file__).resolve().parent.parent / "queries" / "unit_costs.sample.csv"
COLUMNS = ("sku", "marketplace_id", "unit_cost", "currency", "valid_from")
TABLE = "unit_costs"
_CURRENCY = re.compile(r"[A-Z]{3}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# DECIMAL(18,4): 14 digits before the point, 4 after.
_MAX_COST = Decimal("1e14")


class UnitCostError(ValueError):
    """A unit cost file that cannot be used: names the file, line and column."""


@dataclass(frozen=True)
class UnitCost:
    sku: str
    marketplace_id: str
    unit_cost: Decimal
    currency: str
    valid_from: date


def unit_costs_path(sandbox: bool, env: Mapping[str, str] | None = None) -> Path:
    """``SPAPI_UNIT_COSTS``; else the sandbox's sample, or ``<SPAPI_DATA_DIR>/unit_costs.csv``."""
    env = os.environ if env is None else env
    if env.get(UNIT_COSTS_VAR):
        return Path(env[UNIT_COSTS_VAR])
    if sandbox:
        return SAMPLE_PATH
    return Path(env.get("SPAPI_DATA_DIR", "data")) / "unit_costs.csv"


def load_unit_costs(path: Path) -> list[UnitCost]:
    """Every row of ``path``, validated; an absent file is no costs."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise UnitCostError(f"{path} line 1: missing column(s) {', '.join(missing)}; the header must name "
                                f"{', '.join(COLUMNS)}")
        reader.fieldnames = header
        costs: list[UnitCost] = []
        seen: dict[tuple[str, str, date], int] = {}
        for row in reader:
            line = reader.line_num
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue  # blank line
            cost = _parse_row(row, f"{path} line {line}")
            key = (cost.sku, cost.marketplace_id, cost.valid_from)
            if key in seen:
                raise UnitCostError(f"{path} line {line}: {cost.sku} in {cost.marketplace_id} already has a cost "
                                    f"from {cost.valid_from} (line {seen[key]})")
            seen[key] = line
            costs.append(cost)
    return costs


def _parse_row(row: Mapping[str, str | None], where: str) -> UnitCost:
    values = {c: (row.get(c) or "").strip() for c in COLUMNS}
    for column in ("sku", "marketplace_id"):
        if not values[column]:
            raise UnitCostError(f"{where}, column {column}: empty")
    raw = values["unit_cost"]
    try:
        cost = Decimal(raw)
    except InvalidOperation:
        cost = None
    if cost is None or not cost.is_finite():
        raise UnitCostError(f"{where}, column unit_cost: {raw!r} is not a decimal number (e.g. 4.50)")
    if cost < 0 or cost >= _MAX_COST:
        raise UnitCostError(f"{where}, column unit_cost: {raw!r} is out of range (0 up to 14 digits)")
    if not _CURRENCY.fullmatch(values["currency"]):
        raise UnitCostError(f"{where}, column currency: {values['currency']!r} is not a three-letter ISO 4217 "
                            f"code in capitals (e.g. USD, EUR, JPY)")
    day = values["valid_from"]
    try:
        valid_from = date.fromisoformat(day) if _DAY.fullmatch(day) else None
    except ValueError:
        valid_from = None
    if valid_from is None:
        raise UnitCostError(f"{where}, column valid_from: {day!r} is not a date YYYY-MM-DD (e.g. 2026-01-01)")
    return UnitCost(values["sku"], values["marketplace_id"], cost, values["currency"], valid_from)


def unit_costs_select(costs: list[UnitCost]) -> str:
    """A SELECT of ``costs`` with the table's types (no rows: an empty table of the same shape)."""
    typed = ("SELECT CAST(NULL AS VARCHAR) AS sku, CAST(NULL AS VARCHAR) AS marketplace_id, "
             "CAST(NULL AS DECIMAL(18, 4)) AS unit_cost, CAST(NULL AS VARCHAR) AS currency, "
             "CAST(NULL AS DATE) AS valid_from WHERE false")
    rows = [f"({sql_literal(c.sku)}, {sql_literal(c.marketplace_id)}, CAST({sql_literal(str(c.unit_cost))} AS "
            f"DECIMAL(18, 4)), {sql_literal(c.currency)}, DATE '{c.valid_from.isoformat()}')" for c in costs]
    return typed + (f" UNION ALL VALUES {', '.join(rows)}" if rows else "")


def write_unit_costs(warehouse, costs: list[UnitCost]) -> int:
    """Replace the ``unit_costs`` table with ``costs``; returns its row count."""
    return warehouse.replace_table(TABLE, unit_costs_select(costs))
