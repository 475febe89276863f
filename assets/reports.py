"""One Dagster asset per report catalog entry, built by a factory.

- windowed reports: daily partitions; a backfill packs its days into the widest
  window the report allows (one request per marketplace per window);
- snapshot reports: unpartitioned; each run lands a dated snapshot;
- listed reports (settlements): unpartitioned; each run lands every report
  Amazon generated since the retention horizon that is not landed yet.

Restricted (PII) reports are built only when an account of their kind opted in
(``pii_reports``); a run skips the accounts that did not, without a single call,
and says so in its metadata. Their documents are fetched with a Restricted Data Token.
"""

from datetime import datetime, timedelta, timezone

from dagster import AssetExecutionContext, AssetsDefinition, MaterializeResult, MetadataValue, asset

from assets.common import (
    API_POOL,
    backfill_policy,
    daily_partitions,
    key_check_spec,
    materialize_result,
    run_window,
    today_utc,
)
from pipelines.catalog import CATALOG, ReportEntry
from pipelines.config import Settings
from pipelines.resources import SpApiResource, WarehouseResource
from pipelines.sync import SyncResult, sync_listed_reports, sync_report_snapshot, sync_report_window

# Amazon keeps generated reports (settlements) for 90 days; getReports accepts a
# createdSince at most that far back, so ask for one day less.
LISTED_REPORT_RETENTION = timedelta(days=89)


def report_asset(entry: ReportEntry, settings: Settings) -> AssetsDefinition:
    """Build the asset that lands ``entry`` into its raw table."""
    windowed = entry.windowed and entry.requested
    kwargs = dict(
        name=entry.asset_name,
        group_name=entry.group,
        description=f"{entry.description}\n\nReport type `{entry.report_type}` → DuckDB table `{entry.table}`.",
        kinds={"amazon", "duckdb"},
        pool=API_POOL,
        metadata={"report_type": entry.report_type, "table": entry.table, "key": list(entry.key),
                  "lookback_days": entry.lookback_days, "max_window_days": entry.max_window_days},
        tags={"spapi/api": "reports"},
        check_specs=key_check_spec(entry.asset_name, entry.key),
    )
    if windowed:
        kwargs.update(partitions_def=daily_partitions(settings), backfill_policy=backfill_policy(entry.max_window_days))

    @asset(**kwargs)
    def _report(context: AssetExecutionContext, spapi: SpApiResource, warehouse: WarehouseResource) -> MaterializeResult:
        if windowed:
            start, end = run_window(context)
            context.log.info(f"{entry.report_type}: {start:%Y-%m-%d}..{end:%Y-%m-%d} ({spapi.source})")

            def sync(api):
                return sync_report_window(entry, api.reports(entry.pii), api.target, api.account.marketplace_ids,
                                          start, end)
        elif entry.requested:
            def sync(api):
                return sync_report_snapshot(entry, api.reports(entry.pii), api.target, api.account.marketplace_ids,
                                            today_utc())
        else:
            since = datetime.now(timezone.utc) - LISTED_REPORT_RETENTION

            def sync(api):
                return sync_listed_reports(entry, api.reports(entry.pii), api.target, api.account.marketplace_ids,
                                           since)
        skipped: list[str] = []
        result = spapi.for_each_account(entry.account, warehouse, pii_opt_in(entry, sync, skipped))
        extra = {"pii_skipped_accounts": MetadataValue.md(_skipped_note(skipped))} if skipped else {}
        return materialize_result(result, warehouse.warehouse(), spapi.source, key=entry.key,
                                  report_type=entry.report_type, reused_reports=result.reused, **extra)

    return _report


def pii_opt_in(entry: ReportEntry, sync, skipped: list[str]):
    """``sync``, except that for a PII report an account that did not opt in is
    skipped (its name added to ``skipped``) without a single API call."""
    if not entry.pii:
        return sync

    def opted_in_only(api) -> SyncResult:
        if not api.account.pii_reports:
            skipped.append(api.account.name)
            return SyncResult(entry.table, api.account.name)
        return sync(api)

    return opted_in_only


def _skipped_note(accounts: list[str]) -> str:
    return (f"Not requested for {', '.join(sorted(accounts))}: this report holds buyer names and addresses. "
            f"Opt in with `pii_reports = true` in the accounts file (or `SPAPI_PII_REPORTS=1`).")


def builds(entry: ReportEntry, settings: Settings) -> bool:
    """A PII report's asset exists only once an account of its kind opted in."""
    kinds = {entry.account} if entry.account != "any" else {"seller", "vendor"}
    return not entry.pii or any(a.pii_reports for a in settings.accounts if a.account_type in kinds)


def report_assets(settings: Settings) -> list[AssetsDefinition]:
    """The catalog entries this kind of account (seller or vendor) can request."""
    return [report_asset(e, settings) for e in CATALOG if e.account in settings.account_types
            and builds(e, settings)]
