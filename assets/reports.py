"""One Dagster asset per report catalog entry, built by a factory.

- windowed reports: partitioned by account × day, or × the week (Sunday to
  Saturday), month or quarter Amazon aggregates them by; a backfill packs its
  partitions into the widest window the report allows (one request per
  marketplace per window);
- snapshot reports: partitioned by account; each run lands a dated snapshot.

Listed reports (settlements), which Amazon generates on its own, are
assets/listed_reports.py's: a partition per report.

A JSON report with child tables (arrays inside its records, or an aggregate
beside them) is one multi-asset: every table it lands is an asset of its own,
materialized together from the same request.

Restricted (PII) reports are built only when an account of their kind opted in
(``pii_reports``); a run skips the accounts that did not, without a single call,
and says so in its metadata. Their documents are fetched with a Restricted Data Token.
"""

from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    Config,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from assets.common import (
    API_POOL,
    RunScope,
    backfill_policy,
    configured_accounts,
    key_check_spec,
    materialize_result,
    resume_key,
    run_accounts,
    run_window,
    source_partitions,
    today_utc,
)
from pipelines.catalog import CATALOG, ReportEntry
from pipelines.config import Settings
from pipelines.resources import SpApiResource, WarehouseResource
from pipelines.sync import SyncResult, sync_report_snapshot, sync_report_window


class ReportRunConfig(Config):
    """Run config of a report asset: report options of the user's own (the ASINs of
    a search query performance report, a product type), over the entry's."""

    report_options: dict[str, str] = {}


def report_asset(entry: ReportEntry, settings: Settings) -> AssetsDefinition:
    """Build the asset (one per table) that lands ``entry`` into its raw table(s)."""
    windowed = entry.windowed and entry.requested
    metadata = {"report_type": entry.report_type, "table": entry.table, "key": list(entry.key),
                "lookback_days": entry.lookback_days, "max_window_days": entry.max_window_days,
                "period": entry.period, "delay_days": entry.delay_days,
                "required_report_options": list(entry.required_options)}
    about = f"Report type `{entry.report_type}`"
    specs = [AssetSpec(entry.asset_name, group_name=entry.group, kinds={"amazon", "duckdb"}, metadata=metadata,
                       tags={"spapi/api": "reports"},
                       description=f"{entry.description}\n\n{about} → DuckDB table `{entry.table}`.")]
    children = entry.tables[1:]
    specs += [AssetSpec(table, group_name=entry.group, kinds={"amazon", "duckdb"},
                        metadata={**metadata, "table": table, "parent": entry.table}, tags={"spapi/api": "reports"},
                        description=f"Child table of `{entry.table}`, landed from the same document.\n\n"
                                    f"{about} → DuckDB table `{table}`.")
              for table in children]
    kwargs = dict(name=entry.asset_name, specs=specs, pool=API_POOL,
                  check_specs=key_check_spec(entry.asset_name, entry.key))
    if windowed:
        kwargs.update(partitions_def=source_partitions(settings, entry.account_types, entry.period),
                      backfill_policy=backfill_policy(entry.partitions_per_request))
    else:
        kwargs.update(partitions_def=source_partitions(settings, entry.account_types, None))

    @multi_asset(**kwargs)
    def _report(context: AssetExecutionContext, config: ReportRunConfig, spapi: SpApiResource,
                warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
        accounts = configured_accounts(run_accounts(context), spapi.settings)
        start = end = None
        if windowed:
            start, end = run_window(context)
            context.log.info(f"{entry.report_type}: {start:%Y-%m-%d}..{end:%Y-%m-%d} for {', '.join(accounts)} "
                             f"({spapi.source})")

            def sync(api):
                return sync_report_window(entry, api.reports(entry.pii), api.target, _served(entry, api), start,
                                          end, options=config.report_options, resume_key=resume_key(context))
        else:
            def sync(api):
                return sync_report_snapshot(entry, api.reports(entry.pii), api.target, _served(entry, api),
                                            today_utc())
        skipped: list[str] = []
        result = _for_each_account(entry, spapi, warehouse, pii_opt_in(entry, sync, skipped), accounts)
        extra = {"pii_skipped_accounts": MetadataValue.md(_skipped_note(skipped))} if skipped else {}
        wh = warehouse.warehouse()
        scope = RunScope(accounts, start, end, None if windowed else today_utc())
        yield materialize_result(result, wh, spapi.source, key=entry.key, asset_key=AssetKey(entry.asset_name),
                                 scope=scope, report_type=entry.report_type, reused_reports=result.reused, **extra)
        for table in children:
            child = SyncResult(table, rows=result.child_rows.get(table, 0), requests=result.requests)
            yield materialize_result(child, wh, spapi.source, asset_key=AssetKey(table), scope=scope,
                                     report_type=entry.report_type, parent=entry.table)

    return _report


def _served(entry: ReportEntry, api) -> list[str]:
    """The account's marketplaces Amazon offers the report in."""
    return [m for m in api.account.marketplace_ids if entry.serves(m)]


def _for_each_account(entry: ReportEntry, spapi: SpApiResource, warehouse: WarehouseResource, sync,
                      accounts: list[str] | None) -> SyncResult:
    """Run ``sync`` for every account that can request the report (sellers, vendors or
    both; only ``accounts``, the run's partitions, if given); one kind failing does not
    stop the other from landing."""
    results, errors = [], []
    settings = spapi.settings
    kinds = {a.account_type for a in settings.accounts if accounts is None or a.name in accounts}
    for kind in (k for k in entry.account_types if k in kinds):
        try:
            results.append(spapi.for_each_account(kind, warehouse, sync, accounts))
        except Exception as exc:
            errors.append(exc)
    if errors:
        raise errors[0]
    return SyncResult.merge(results) if results else SyncResult(entry.table)


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
    return not entry.pii or any(a.pii_reports for a in settings.accounts if a.account_type in entry.account_types)


def report_assets(settings: Settings) -> list[AssetsDefinition]:
    """The catalog entries the configured accounts (sellers, vendors) can request; those Amazon
    generates (settlements) are assets/listed_reports.py's."""
    return [report_asset(e, settings) for e in CATALOG
            if e.requested and set(e.account_types) & settings.account_types and builds(e, settings)]
