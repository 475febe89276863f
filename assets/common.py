"""Shared pieces of every asset factory: partitions, windows, metadata."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, datetime, timezone

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    DailyPartitionsDefinition,
    DynamicPartitionsDefinition,
    MaterializeResult,
    MetadataValue,
    MonthlyPartitionsDefinition,
    MultiPartitionsDefinition,
    PartitionsDefinition,
    TableColumn,
    TableSchema,
    TimeWindowPartitionsDefinition,
    WeeklyPartitionsDefinition,
)

from pipelines.config import Settings
from pipelines.spapi.errors import ConfigError
from pipelines.periods import first_period_on_or_after
from pipelines.sync import SyncResult
from pipelines.warehouse import Warehouse

# backfill_policy is marked beta in Dagster 1.13; we rely on it deliberately.
warnings.filterwarnings("ignore", message=".*backfill_policy.*", category=Warning)
# A run that mixes sources of different window widths (the demo, the daily sync)
# is one run over its range; each asset still packs its own windows.
warnings.filterwarnings("ignore", message=".*varying BackfillPolicies.*", category=UserWarning)

# Assets that call the SP-API share this Dagster concurrency pool; set its limit
# with `dagster instance concurrency set spapi N` (or in dagster.yaml).
API_POOL = "spapi"


def daily_partitions(settings: Settings) -> DailyPartitionsDefinition:
    return DailyPartitionsDefinition(start_date=settings.start_date.isoformat(), timezone="UTC")


# Amazon's quarters start in January, April, July and October.
QUARTER_CRON = "0 0 1 1,4,7,10 *"


def period_partitions(settings: Settings, period: str) -> TimeWindowPartitionsDefinition:
    """Partitions aligned to Amazon's ``period`` (DAY, WEEK from Sunday, MONTH,
    QUARTER), from the first whole period on or after ``SPAPI_START_DATE``; keys
    are the periods' first days (``2025-01-05``)."""
    if period == "DAY":
        return daily_partitions(settings)
    start = first_period_on_or_after(settings.start_date, period).isoformat()
    if period == "WEEK":
        return WeeklyPartitionsDefinition(start_date=start, day_offset=0, timezone="UTC")
    if period == "MONTH":
        return MonthlyPartitionsDefinition(start_date=start, day_offset=1, timezone="UTC")
    if period == "QUARTER":
        return TimeWindowPartitionsDefinition(cron_schedule=QUARTER_CRON, start=start, fmt="%Y-%m-%d",
                                              timezone="UTC")
    raise ValueError(f"no partitions for period {period!r}")


# The dimensions of a source's partitions: the account (dynamic, one partition per
# configured account) and, for windowed sources, the day or Amazon's period.
ACCOUNT_DIM = "account"
TIME_DIM = "date"


ACCOUNT_SETS = ("seller_accounts", "vendor_accounts", "accounts")


def account_set(account_types) -> str:
    """The dynamic partition set holding the accounts of these kinds: ``seller_accounts``,
    ``vendor_accounts``, or ``accounts`` for reports both kinds can request."""
    kinds = sorted(set(account_types))
    return f"{kinds[0]}_accounts" if len(kinds) == 1 else "accounts"


def source_partitions(settings: Settings, account_types, period: str | None) -> PartitionsDefinition:
    """Account × period partitions (``brand-a|2025-01-05``) for a windowed source; the
    accounts alone for a snapshot. Accounts are dynamic partitions, registered from
    the settings (``assets.accounts``), so adding an account changes no code."""
    accounts = DynamicPartitionsDefinition(name=account_set(account_types))
    if period is None:
        return accounts
    return MultiPartitionsDefinition({ACCOUNT_DIM: accounts, TIME_DIM: period_partitions(settings, period)})


def run_accounts(context: AssetExecutionContext) -> list[str]:
    """The accounts this run's partitions name: one, or several for a run over a range of accounts."""
    if not context.has_partition_key_range and not context.has_partition_key:
        return []
    partitions = context.assets_def.partitions_def
    if isinstance(partitions, MultiPartitionsDefinition):
        names = {partitions.get_partition_key_from_str(k).keys_by_dimension[ACCOUNT_DIM]
                 for k in context.partition_keys}
    else:
        names = set(context.partition_keys)
    return sorted(names)


def configured_accounts(names: list[str], settings: Settings) -> list[str]:
    """The run's account partitions, each checked against the configured accounts: a
    partition of an account since removed from the accounts file fails naming it."""
    known = {a.name for a in settings.accounts}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"account partition(s) {', '.join(unknown)} not configured: add them back to the "
                          f"accounts file (SPAPI_ACCOUNTS_FILE), or run the partitions of configured accounts "
                          f"({', '.join(sorted(known))})")
    return names


@dataclass(frozen=True)
class RunScope:
    """What a run landed: its accounts and window (or snapshot day), to preview its own rows."""

    accounts: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    snapshot_date: date | None = None

    def where(self) -> tuple[str, list]:
        """A filter on the lineage columns selecting the run's rows."""
        clauses, params = [], []
        if self.accounts:
            clauses.append(f"_account IN ({', '.join('?' * len(self.accounts))})")
            params += self.accounts
        if self.start is not None and self.end is not None:
            clauses.append("_window_start >= ? AND _window_start < ?")
            params += [self.start, self.end]
        if self.snapshot_date is not None:
            clauses.append("_snapshot_date = ?")
            params.append(self.snapshot_date)
        return " AND ".join(clauses), params


def backfill_policy(max_window_days: int) -> BackfillPolicy:
    """A backfill runs at most ``max_window_days`` partitions (days, or periods)
    per run, so each run is one request per marketplace for the widest window the
    source allows."""
    return BackfillPolicy.multi_run(max_partitions_per_run=max(1, max_window_days))


def run_window(context: AssetExecutionContext) -> tuple[datetime, datetime]:
    """The (possibly multi-day) half-open time window of this run's partitions."""
    window = context.partition_time_window
    return window.start.astimezone(timezone.utc), window.end.astimezone(timezone.utc)


def today_utc() -> date:
    return datetime.now(timezone.utc).date()


KEY_CHECK = "unique_key"


def key_check_spec(asset_name: str, key: tuple[str, ...]) -> list[AssetCheckSpec]:
    """The check that a raw table holds one row per declared key (per account and marketplace)."""
    if not key:
        return []
    return [AssetCheckSpec(KEY_CHECK, asset=asset_name,
                           description=f"one row per ({', '.join(key)}) within each account and marketplace")]


def key_check_result(warehouse: Warehouse, table: str, key: tuple[str, ...],
                     asset_key: AssetKey | None = None) -> AssetCheckResult:
    """Warn (not fail: the rows are what Amazon sent) when the declared key repeats."""
    cols = ", ".join(f'"{c}"' for c in ("_account", "_marketplace_id", "_snapshot_date", *key))
    dupes = warehouse.query(
        f'SELECT count(*), coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM "{table}" '
        f"GROUP BY {cols} HAVING count(*) > 1)")[0]
    return AssetCheckResult(check_name=KEY_CHECK, asset_key=asset_key, passed=dupes[0] == 0,
                            severity=AssetCheckSeverity.WARN,
                            metadata={"duplicate_keys": dupes[0], "rows_with_duplicate_keys": int(dupes[1]),
                                      "key": list(key)})


def materialize_result(result: SyncResult, warehouse: Warehouse, source: str, key: tuple[str, ...] = (),
                       asset_key: AssetKey | None = None, scope: RunScope | None = None,
                       **extra) -> MaterializeResult:
    """Row count, column schema, request ids and a small preview of the rows this run
    landed (``scope``); with ``key``, the result of the unique-key check. ``asset_key``:
    which asset of a multi-asset it is for."""
    columns = result.columns or warehouse.columns(result.table)
    metadata = {
        "source": source,
        **table_metadata(warehouse, result.table, result.rows, columns, scope),
        "rows_landed": result.rows,
        "requests": MetadataValue.json(result.requests),
        "windows": MetadataValue.json([
            {"account": w.account, "marketplace_id": w.marketplace_id, "start": w.start, "end": w.end,
             "rows": w.rows, "deleted": w.deleted} for w in result.windows]),
        "rows_deleted": sum(w.deleted for w in result.windows),
        "rows_lost": sum(max(0, w.deleted - w.rows) for w in result.windows),
        "cancelled_no_data": result.cancelled,
        "resumed_windows": result.resumed,  # landed by an earlier attempt of this run, not requested again
        "stuck_cancelled": result.stuck_cancelled,  # jobs cancelled after waiting in Amazon's queue too long
        **extra,
    }
    if result.added_columns:
        metadata["new_columns"] = MetadataValue.json(result.added_columns)
    checks = []
    if key:  # a declared check always reports; before the table exists there is nothing to repeat
        checks = [key_check_result(warehouse, result.table, key, asset_key) if columns else
                  AssetCheckResult(check_name=KEY_CHECK, asset_key=asset_key, passed=True,
                                   metadata={"duplicate_keys": 0, "note": "no rows landed yet"})]
    return MaterializeResult(asset_key=asset_key, metadata=metadata, check_results=checks)


def table_metadata(warehouse: Warehouse, table: str, rows: int, columns: list[tuple[str, str]] | None = None,
                   scope: RunScope | None = None) -> dict:
    """What every table an asset writes shows: its row count, column schema and a small
    preview (of the rows this run landed, ``scope``)."""
    columns = columns or warehouse.columns(table)
    preview = _preview(warehouse, table, scope) if columns else []
    return {
        "table": table,
        "dagster/row_count": rows,
        "dagster/column_schema": TableSchema(columns=[TableColumn(name=n, type=t) for n, t in columns]),
        "preview": MetadataValue.md(_markdown(preview)),
    }


def _preview(warehouse: Warehouse, table: str, scope: RunScope | None) -> list[dict]:
    names = {n for n, _ in warehouse.columns(table)}
    where, params = (scope or RunScope()).where()
    if not where or not {"_account", "_window_start", "_snapshot_date"} <= names:  # a table without lineage
        return warehouse.preview(table, limit=5)
    return warehouse.preview(table, limit=5, where=where, params=params)


def _markdown(rows: list[dict], max_cols: int = 8) -> str:
    if not rows:
        return "_no rows_"
    names = [n for n in rows[0] if not n.startswith("_")][:max_cols]
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for row in rows:
        lines.append("| " + " | ".join(str(row[n]).replace("|", "\\|")[:40] for n in names) + " |")
    return "\n".join(lines)


ROOT_RUN_TAG = "dagster/root_run_id"  # set by Dagster on a re-execution (e.g. "from failure") of a run


def resume_key(context: AssetExecutionContext) -> str:
    """The key this run's landed windows are noted under (``pipelines.sync``): the root run's id,
    shared by a run, its retries and its re-executions, so they skip the windows it landed."""
    return context.run.tags.get(ROOT_RUN_TAG) or context.run.run_id
