"""Checks of the modeled tables, run after every build of a model.

Every model gets ``unique_key`` and ``not_null_key`` on the columns of its
header's ``-- key:`` line. Some models get a reconciliation besides:
``settlement_total_matches_lines`` (a settlement's total is the sum of its
lines) and ``dk_units_match_orders`` (Data Kiosk's ordered units per day and
marketplace equal the orders report's, on days Amazon no longer restates).
Each check is one query counting offending rows; zero passes.
"""
from __future__ import annotations

from dataclasses import dataclass

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec

from pipelines.models import Model

# Data Kiosk restates its latest days while orders arrive late; older days must agree.
RESTATEMENT_DAYS = 3
DK_BY_DATE = "raw_dk_sales_and_traffic_by_date"


@dataclass(frozen=True)
class ModelCheck:
    name: str
    model: str
    description: str
    sql: str  # one row, one column: how many rows or groups break the rule
    reads: tuple[str, ...] = ()  # other tables it compares with; skipped until they have landed

    def spec(self) -> AssetCheckSpec:
        return AssetCheckSpec(self.name, asset=self.model, description=self.description)

    def run(self, warehouse) -> AssetCheckResult:
        missing = [t for t in self.reads if not warehouse.exists(t)]
        if missing:
            return AssetCheckResult(check_name=self.name, passed=True,
                                    metadata={"skipped": f"{', '.join(missing)} not landed yet"})
        failing = int(warehouse.query(self.sql)[0][0])
        return AssetCheckResult(check_name=self.name, passed=failing == 0, severity=AssetCheckSeverity.ERROR,
                                metadata={"failing": failing, "query": self.sql})


def _cols(key: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in key)


def key_checks(model: Model) -> list[ModelCheck]:
    cols = _cols(model.key)
    return [
        ModelCheck("unique_key", model.name, f"one row per ({', '.join(model.key)})",
                   f'SELECT count(*) FROM (SELECT {cols} FROM "{model.name}" GROUP BY ALL HAVING count(*) > 1)'),
        ModelCheck("not_null_key", model.name, f"no row with a null in ({', '.join(model.key)})",
                   f'SELECT count(*) FROM "{model.name}" WHERE '
                   + " OR ".join(f'"{c}" IS NULL' for c in model.key)),
    ]


SETTLEMENT_TOTAL = ModelCheck(
    "settlement_total_matches_lines", "settlement_lines",
    "every settlement's total equals the sum of its lines' amounts (one currency per settlement)",
    "SELECT count(*) FROM (SELECT account, settlement_id FROM settlement_lines GROUP BY ALL "
    "HAVING any_value(settlement_total) IS DISTINCT FROM coalesce(sum(amount), 0))")

DK_UNITS = ModelCheck(
    "dk_units_match_orders", "daily_sales",
    f"Data Kiosk's ordered units per day and marketplace equal the orders report's, on days more than "
    f"{RESTATEMENT_DAYS} days before Data Kiosk's latest day and within the days the orders cover",
    f"""SELECT count(*) FROM (
    SELECT dk._account, dk.marketplace_id, dk.start_date, dk.sales_units_ordered AS dk_units,
           coalesce(sum(s.units), 0) AS order_units
    FROM {DK_BY_DATE} AS dk
    JOIN (SELECT account, marketplace_id, min(purchase_day) AS first_day FROM daily_sales GROUP BY ALL) AS c
        ON c.account = dk._account AND c.marketplace_id = dk.marketplace_id AND dk.start_date >= c.first_day
    LEFT JOIN daily_sales AS s
        ON s.account = dk._account AND s.marketplace_id = dk.marketplace_id AND s.purchase_day = dk.start_date
    WHERE dk.start_date <= (SELECT max(start_date) FROM {DK_BY_DATE} AS m
                            WHERE m._account = dk._account AND m.marketplace_id = dk.marketplace_id)
                           - INTERVAL {RESTATEMENT_DAYS} DAY
    GROUP BY ALL
    HAVING dk_units IS DISTINCT FROM order_units)""",
    reads=(DK_BY_DATE,))

RECONCILIATIONS = {"settlement_lines": [SETTLEMENT_TOTAL], "daily_sales": [DK_UNITS]}


def model_checks(model: Model, tables: set[str] | frozenset[str] = frozenset()) -> list[ModelCheck]:
    """The checks of ``model``: its key checks and, where the tables they compare
    with are built for this account (``tables``), its reconciliations."""
    extra = [c for c in RECONCILIATIONS.get(model.name, []) if set(c.reads) <= set(tables)]
    return key_checks(model) + extra
