"""Reports Amazon generates on its own (settlements), one partition per report, each landed once.

Settlement and Date Range reports cannot be requested, only listed with
getReports. For each such catalog entry (``requested=False``):

- an asset partitioned by a dynamic partition set named after it, one
  partition per report, keyed ``<account>:<reportId>``; materializing a
  partition lands exactly that report's document, replacing its rows;
- a sensor, on by default, that every 30 minutes lists each account's reports
  created since its cursor (``pipelines/listed_reports.py``), adds each new DONE
  report as a partition and requests one run for it (``run_key`` = the
  partition key, so Dagster never runs one twice). Dagster stores the cursor,
  so a restarted daemon goes on where it stopped; a report that is a partition
  already is never requested again, even with the cursor reset.

Without the daemon (``spapi-sync``, the demo), ``listed_report_runs`` finds the
new reports of every entry at once and returns the runs to materialize.
"""
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    BackfillPolicy,
    DagsterInstance,
    DefaultSensorStatus,
    DynamicPartitionsDefinition,
    MaterializeResult,
    RunRequest,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    multi_asset,
    sensor,
)

from assets.common import API_POOL, RunScope, configured_accounts, key_check_spec, materialize_result
from assets.reports import builds
from pipelines.catalog import CATALOG, ReportEntry
from pipelines.config import Account, Settings
from pipelines.listed_reports import ListingCursor, list_new_reports, partition_key, report_partition
from pipelines.resources import AccountApi, SpApiResource, WarehouseResource, shared_client
from pipelines.spapi.errors import ConfigError
from pipelines.spapi.reports import ReportsApi
from pipelines.sync import SyncResult, Target, sync_listed_report
from pipelines.workfiles import folder_for

LISTING_INTERVAL = 30 * 60  # seconds between listings: getReports allows a call every 45 s, settlements come biweekly
REPORTS_PER_RUN = 25  # a backfill of many reports lands up to this many per run

# How often Amazon generates a listed report, for its freshness check (a day's margin on top). Settlement
# periods last 14 days for most sellers. Date Range reports appear when the seller generates one in Seller
# Central, at no set interval: no freshness check.
GENERATED_EVERY = {"GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2": timedelta(days=14)}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def listed_entries(settings: Settings) -> list[ReportEntry]:
    """The catalog entries Amazon generates (never requested) that the configured accounts can get."""
    return [e for e in CATALOG if not e.requested and set(e.account_types) & settings.account_types
            and builds(e, settings)]


def listed_report_asset(entry: ReportEntry) -> AssetsDefinition:
    """The asset landing ``entry``'s reports, one partition (``<account>:<reportId>``) per report."""
    every = GENERATED_EVERY.get(entry.report_type)
    metadata = {"report_type": entry.report_type, "table": entry.table, "key": list(entry.key), "listed": True,
                "generated_every_days": every.days if every else 0,
                "partition_key": "<account>:<reportId>, added by the sensor " + sensor_name(entry)}
    about = (f"Report type `{entry.report_type}` → DuckDB table `{entry.table}`. One partition per report, "
             f"added by the `{sensor_name(entry)}` sensor.")
    specs = [AssetSpec(table, group_name=entry.group, kinds={"amazon", "duckdb"}, tags={"spapi/api": "reports"},
                       metadata={**metadata, "table": table, **({} if table == entry.table else {"parent": entry.table})},
                       description=f"{entry.description}\n\n{about}" if table == entry.table else
                       f"Child table of `{entry.table}`, landed from the same document.\n\n{about}")
             for table in entry.tables]

    @multi_asset(name=entry.asset_name, specs=specs, pool=API_POOL,
                 partitions_def=DynamicPartitionsDefinition(name=entry.asset_name),
                 backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=REPORTS_PER_RUN),
                 check_specs=key_check_spec(entry.asset_name, entry.key))
    def _listed(context: AssetExecutionContext, spapi: SpApiResource,
                warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
        settings, wh = spapi.settings, warehouse.warehouse()
        results, errors = [], []
        keys = [report_partition(key) for key in context.partition_keys]  # one, or several in a backfill run
        for name, report_id in keys:
            context.log.info(f"{entry.report_type} report {report_id} of account {name} ({spapi.source})")
            try:
                account = _account(settings, name, entry)
                api = AccountApi(account, shared_client(settings, account),
                                 Target(wh, account.name, spapi.source, folder_for(wh.path)))
                results.append(sync_listed_report(entry, api.reports(entry.pii), api.target, report_id))
            except Exception as exc:  # the run's other reports still land
                context.log.error(f"{partition_key(name, report_id)}: {type(exc).__name__}: {exc}")
                errors.append(exc)
        if errors:
            raise errors[0]
        result = SyncResult.merge(results)
        scope = RunScope(accounts=sorted({name for name, _ in keys}))
        yield materialize_result(result, wh, spapi.source, key=entry.key, asset_key=AssetKey(entry.asset_name),
                                 scope=scope, report_type=entry.report_type)
        for table in entry.tables[1:]:
            child = SyncResult(table, rows=result.child_rows.get(table, 0), requests=result.requests)
            yield materialize_result(child, wh, spapi.source, asset_key=AssetKey(table), scope=scope,
                                     report_type=entry.report_type, parent=entry.table)

    return _listed


def _account(settings: Settings, name: str, entry: ReportEntry) -> Account:
    configured_accounts([name], settings)  # one that is no longer fails naming it
    account = next(a for a in settings.accounts if a.name == name)
    if account.account_type not in entry.account_types:
        raise ConfigError(f"{entry.asset_name} partition of account {name!r}: a {account.account_type} account "
                          f"cannot get {entry.report_type}")
    return account


def sensor_name(entry: ReportEntry) -> str:
    return f"{entry.asset_name}_sensor"


@dataclass(frozen=True)
class Listing:
    """One listing of an entry's reports for every account: the partitions to add and run, the cursor
    past them, and the accounts whose listing failed (their cursor stays where it was)."""

    keys: list[str]
    cursor: ListingCursor
    failures: list[tuple[str, Exception]]


def list_reports_now(entry: ReportEntry, settings: Settings, instance: DagsterInstance, cursor: ListingCursor,
                     now: datetime) -> Listing:
    """Every account's reports of ``entry`` created since ``cursor`` that are not partitions yet."""
    accounts = _listing_accounts(entry, settings)

    def listing(item: tuple[Account, list[str]]):
        account, mps = item
        api = ReportsApi(shared_client(settings, account), restricted=entry.pii)
        return list_new_reports(entry, api, account.name, mps, cursor, now)

    existing = set(instance.get_dynamic_partitions(entry.asset_name))
    keys: list[str] = []
    failures: list[tuple[str, Exception]] = []
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(accounts)))) as pool:  # accounts' listings overlap
        futures = [(account, pool.submit(listing, (account, mps))) for account, mps in accounts]
        for account, future in futures:
            try:
                reports, listed = future.result()
            except Exception as exc:
                failures.append((account.name, exc))
                continue
            cursor = cursor.taking(account.name, listed)
            keys += [k for r in reports if (k := partition_key(account.name, r["reportId"])) not in existing]
    return Listing(keys, cursor, failures)


def _listing_accounts(entry: ReportEntry, settings: Settings) -> list[tuple[Account, list[str]]]:
    """The accounts that can get ``entry``, each with its marketplaces Amazon offers it in (an account
    selling only elsewhere is left out)."""
    accounts = [(a, [m for m in a.marketplace_ids if entry.serves(m)]) for a in settings.accounts
                if a.account_type in entry.account_types]
    return [(a, mps) for a, mps in accounts if mps]


def listed_report_sensor(entry: ReportEntry, asset: AssetsDefinition, settings: Settings,
                         now: Callable[[], datetime] = utc_now) -> SensorDefinition:
    """Every 30 minutes: each new report of ``entry`` becomes a partition of ``asset`` and one run."""

    @sensor(name=sensor_name(entry), minimum_interval_seconds=LISTING_INTERVAL, target=asset,
            default_status=DefaultSensorStatus.RUNNING,
            description=f"Lists new {entry.report_type} reports with getReports (per account, created since "
                        f"the cursor), adds each as a partition of {entry.asset_name} and runs it once.")
    def _sensor(context: SensorEvaluationContext) -> SensorResult:
        listing = list_reports_now(entry, settings, context.instance, ListingCursor.from_json(context.cursor),
                                   now())
        for name, exc in listing.failures:
            context.log.error(f"account {name}: listing {entry.report_type} failed: {type(exc).__name__}: {exc}")
        if listing.failures and len(listing.failures) == len(_listing_accounts(entry, settings)):
            raise listing.failures[0][1]  # nothing listed at all: a failed tick, shown in the UI
        if not listing.keys:
            return SensorResult(skip_reason=f"no new {entry.report_type} report", cursor=listing.cursor.to_json())
        return SensorResult(run_requests=run_requests(entry, listing.keys), cursor=listing.cursor.to_json(),
                            dynamic_partitions_requests=[asset.partitions_def.build_add_request(listing.keys)])

    return _sensor


def run_requests(entry: ReportEntry, keys: Sequence[str]) -> list[RunRequest]:
    """One run per new report (all of the entry's tables); its partition key is also its run key, so it
    never runs twice."""
    return [RunRequest(run_key=key, partition_key=key, asset_selection=[AssetKey(t) for t in entry.tables])
            for key in keys]


def listed_report_runs(instance: DagsterInstance, settings: Settings,
                       now: Callable[[], datetime] = utc_now) -> list[RunRequest]:
    """Without the daemon: every listed entry's reports Amazon still keeps (90 days) that are not
    partitions of ``instance`` yet, added as partitions now; one run request (partition key and assets)
    per report, to materialize. Every account that can be listed is; then a failed listing raises."""
    requests, failures = [], []
    for entry in listed_entries(settings):
        listing = list_reports_now(entry, settings, instance, ListingCursor(), now())
        if listing.keys:
            instance.add_dynamic_partitions(entry.asset_name, listing.keys)
        requests += run_requests(entry, listing.keys)
        failures += listing.failures
    if failures:
        name, exc = failures[0]
        exc.add_note(f"listing the reports Amazon generates failed for account {name}"
                     + (f" and {len(failures) - 1} more" if len(failures) > 1 else ""))
        raise exc
    return requests


def listed_report_definitions(settings: Settings) -> tuple[list[AssetsDefinition], list[SensorDefinition]]:
    """The assets and sensors of every listed entry the configured accounts can get."""
    built = [(e, listed_report_asset(e)) for e in listed_entries(settings)]
    return [a for _, a in built], [listed_report_sensor(e, a, settings) for e, a in built]
