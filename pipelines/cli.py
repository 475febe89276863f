"""Command line: ``spapi-sync demo``, ``spapi-sync sync`` and ``spapi-sync plan``.

``demo`` runs the whole sync once on the embedded defaults (the local sandbox
and data/sandbox.duckdb) and prints what landed. ``sync`` does the same against
whatever the environment configures (real credentials included), for a range
of days, without a Dagster daemon.

What goes wrong is said in one line on stderr, without a traceback: a setting
to fix (exit 2) or why the sync failed (exit 1). ``--debug`` or
``SPAPI_DEBUG=1`` adds tracebacks and Dagster's full event log.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from pipelines.config import CREDENTIAL_VARS, Settings
from pipelines.spapi.errors import ConfigError
from pipelines.warehouse import Warehouse, publish_path
from pipelines.warehouse.lake import redact

SANDBOX_BANNER = """\
================================================================================
 NO SP-API CREDENTIALS SET: running against the embedded LOCAL SANDBOX
 (deterministic synthetic seller; nothing is sent to Amazon).
 Warehouse: {path}
 To use your Amazon account, set {vars}.
================================================================================"""


# Dagster's console logger at INFO: one line per step and our own log lines, not its DEBUG events.
QUIET = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def run_sync(days: int, end: date | None = None, debug: bool = False, models: bool = True,
             options: dict[str, str] | None = None, only_with_options: bool = False,
             only_account: str | None = None) -> tuple[dict[str, int], list[str]]:
    """Materialize every source for the last ``days`` days (ending yesterday), then
    (with ``models``) every model. Returns the row count of each landed table and
    the failed checks. ``options``: report options for the reports that need the
    user's (e.g. ``asin``); those reports are left out without them, and are the
    only ones run with ``only_with_options``. ``only_account``: that account's
    partitions only (every configured account's by default)."""
    from dagster import AssetSelection

    from assets.accounts import register_accounts
    from assets.schedules import account_ranges, range_runs, snapshot_runs, source_key
    from pipelines.definitions import build_definitions
    from pipelines.resources import client_config

    settings = Settings.from_env()
    for account in settings.accounts:  # credentials and endpoints: fail now, not inside a run
        if account.credential_vars is not None:
            client_config(settings, account)
    if settings.sandbox and not only_with_options:  # the demo's second pass already had it
        print(SANDBOX_BANNER.format(path=settings.warehouse_path, vars=", ".join(CREDENTIAL_VARS)), flush=True)
    defs = build_definitions(settings)
    last = (end or date.today()) - timedelta(days=1)
    first = max(last - timedelta(days=days - 1), settings.start_date)
    assets = list(defs.assets)
    resources = defs.resources
    model_assets = [a for a in assets if "models" in a.group_names_by_key.values()]
    sources = [a for a in assets if a not in model_assets and (
        not only_with_options or a.metadata_by_key[source_key(a)].get("required_report_options"))]
    configured = {only_account} if only_account else {a.name for a in settings.accounts}
    with dagster_instance() as instance:
        register_accounts(instance, settings)

        def accounts(partition_set: str) -> list[tuple[str, str]]:
            return account_ranges(instance.get_dynamic_partitions(partition_set), configured)

        unpartitioned = [a for a in sources if a.partitions_def is None]
        steps = [
            *range_runs(sources, first, last, accounts, options),  # per period (days, weeks, ...) and account set
            *([] if only_with_options else [
                *snapshot_runs(sources, accounts),
                *listed_report_steps(instance, assets, settings),
                *([("files you keep", unpartitioned, {}, {})] if unpartitioned else [])]),
            *([("models", model_assets, {}, {})] if models else []),
        ]
        failed_checks = []
        for label, selected, tags, config in steps:
            t0 = time.monotonic()
            print(f"-> {label}: {len(selected)} assets", flush=True)
            result = _materialize(assets, resources, instance, tags, AssetSelection.assets(*selected), debug,
                                  config)
            failed_checks += [f"{c.asset_key.to_user_string()}.{c.check_name} {dict((k, v.value) for k, v in c.metadata.items())}"
                              for c in result.get_asset_check_evaluations() if not c.passed]
            print(f"   done in {time.monotonic() - t0:.1f}s", flush=True)
    return landed_tables(settings), failed_checks


@contextmanager
def dagster_instance():
    """The Dagster instance of ``DAGSTER_HOME`` (the one ``make dev`` opens, so the UI
    shows what a sync landed), or a throwaway one when it is not set."""
    from dagster import DagsterInstance

    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    with instance:
        yield instance


def listed_report_steps(instance, assets, settings: Settings) -> list[tuple[str, list, dict, dict]]:
    """A run per listed source (settlements) over the reports Amazon generated that are
    not partitions yet, each a partition of its own, just added in order (what the
    listed-report sensors do, one run per report, without the daemon)."""
    from assets.listed_reports import listed_report_runs
    from assets.schedules import range_tags

    by_key = {key: a for a in assets for key in a.keys}
    new: dict = {}
    for request in listed_report_runs(instance, settings):
        new.setdefault(by_key[request.asset_selection[0]], []).append(request.partition_key)
    return [(f"{source_key_name(a)}: {len(keys)} new report(s)", [a], range_tags((keys[0], keys[-1])), {})
            for a, keys in new.items()]


def source_key_name(a) -> str:
    from assets.schedules import source_key

    return source_key(a).to_user_string()


DEMO_ACCOUNTS = Path(__file__).with_name("demo_accounts.toml")


def run_demo(days: int, debug: bool = False) -> tuple[dict[str, int], list[str]]:
    """Everything the sandbox serves, for the demo's accounts (a seller in each region
    and a vendor, pipelines/demo_accounts.toml: restricted reports opted in, its buyers
    are synthetic), then the reports that need options of the user's (each seller's
    own ASINs)."""
    with _environment({"SPAPI_ACCOUNTS_FILE": str(DEMO_ACCOUNTS)}):
        counts, checks = run_sync(days, debug=debug)
        settings = Settings.from_env()
        for account in settings.accounts_of("seller"):
            options = demo_report_options(settings.warehouse_path, account.name)
            print(f"-> reports that need options of yours, with {account.name}'s: {options}", flush=True)
            counts, more = run_sync(days, debug=debug, models=False, options=options, only_with_options=True,
                                    only_account=account.name)
            checks += more
    return counts, checks


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block (settings are read from the
    environment at run time), then put back what was there."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def demo_report_options(warehouse_path, account: str) -> dict[str, str]:
    """Report options a user would choose, taken from what the demo landed: the
    seller's first ASINs (Brand Analytics search query performance) and a product type."""
    wh = Warehouse.configured(warehouse_path)
    asins = [r[0] for r in wh.query("SELECT DISTINCT asin1 FROM raw_merchant_listings_all "
                                    "WHERE asin1 <> '' AND _account = ? ORDER BY 1 LIMIT 3", [account])]
    return {"asin": " ".join(asins), "productType": "BOTTLE"}  # a product type the demo seller sells


def _materialize(assets, resources, instance, tags, selection, debug: bool, config: dict | None = None):
    """``dagster.materialize``, with Dagster's events printed one line each on stdout
    (no stack traces) unless ``debug``."""
    from dagster import Definitions, define_asset_job

    defs = Definitions(assets=assets, resources=resources, jobs=[define_asset_job("spapi_sync", selection=selection)],
                       loggers=None if debug else {"console": _one_line_console()})
    return defs.resolve_job_def("spapi_sync").execute_in_process(run_config={**QUIET, **(config or {})},
                                                                 instance=instance, tags=tags)


def _one_line_console_logger(init_context) -> logging.Logger:
    logger = logging.Logger("dagster", level=init_context.logger_config["log_level"])
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    handler.addFilter(_events_and_warnings)
    logger.addHandler(handler)
    return logger


def _events_and_warnings(record: logging.LogRecord) -> bool:
    """On the console: Dagster's events, and the project's own lines from WARNING up
    (every line stays in the run's log in the UI)."""
    return getattr(record, "dagster_event", None) is not None or record.levelno >= logging.WARNING


class OneLineFormatter(logging.Formatter):
    """A Dagster event as one line: its summary and, for a failure, the error that caused it."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = record.message.split("\n", 1)[0]
        error = getattr(getattr(getattr(record, "dagster_event", None), "event_specific_data", None), "error", None)
        if error is not None:
            record.message += f" {_user_error(error)}"
        return super().formatMessage(record)

    def formatException(self, ei) -> str:
        return ""


def _user_error(error) -> str:
    """The first error in a Dagster error chain that is not Dagster's own wrapper."""
    while error.cls_name and error.cls_name.startswith("Dagster") and (error.cause or error.context):
        error = error.cause or error.context
    message = error.message.strip().splitlines()[0] if error.message.strip() else ""
    return f"{error.cls_name}: {message.split(': ', 1)[-1]}" if error.cls_name else message


def _one_line_console():
    from dagster import Field, logger

    return logger({"log_level": Field(str, is_required=False, default_value="INFO")},
                  description="Dagster events, one line each on stdout")(_one_line_console_logger)


def run_plan(start: date, end: date, accounts_file: str | None) -> int:
    """Print the plan of a backfill (``pipelines.plan``) and, last, every figure as one JSON line."""
    import json

    from pipelines.plan import plan, render

    if end < start:
        raise ConfigError(f"--end {end} is before --start {start}")
    env = {**os.environ, **({"SPAPI_ACCOUNTS_FILE": accounts_file} if accounts_file else {})}
    result = plan(Settings.from_env(env), start, end)
    print(render(result))
    print(json.dumps(result.as_dict()))
    return 0


def landed_tables(settings: Settings) -> dict[str, int]:
    wh = Warehouse.configured(settings.warehouse_path)
    return {name: wh.row_count(name) for name in wh.tables() if not name.startswith("_")}  # _: bookkeeping


def print_tables(counts: dict[str, int]) -> None:
    width = max((len(n) for n in counts), default=10)
    print(f"\n{'table'.ljust(width)}  rows")
    for name, rows in counts.items():
        print(f"{name.ljust(width)}  {rows:>8,}")


class _Parser(argparse.ArgumentParser):
    """Usage mistakes in one line, like every other error of the command."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of days >= 1, got {text!r}")
    return days


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="spapi-sync", description=__doc__.splitlines()[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true",
                        help="on failure, print tracebacks and Dagster's full event log (also: SPAPI_DEBUG=1)")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", parents=[common],
                          help="sync the last days from the local sandbox into data/sandbox.duckdb")
    demo.add_argument("--days", type=_days, default=7)
    sync = sub.add_parser("sync", parents=[common],
                          help="sync the last N days (ending yesterday) with the configured account")
    sync.add_argument("--days", type=_days, default=3)
    plan = sub.add_parser("plan", parents=[common],
                          help="print the API calls and least wall time a backfill of the days takes, calling nothing")
    plan.add_argument("--start", type=_date, required=True, help="first day, YYYY-MM-DD")
    plan.add_argument("--end", type=_date, required=True, help="last day (included), YYYY-MM-DD")
    plan.add_argument("--accounts", metavar="FILE", help="accounts file (like SPAPI_ACCOUNTS_FILE)")
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD, got {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed
        return int(exc.code or 0)
    debug = args.debug or os.environ.get("SPAPI_DEBUG", "") not in ("", "0")
    level = logging.INFO if debug else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        # Dagster lowers the `pipelines` loggers to INFO for the run's log in the UI
        # (python_logs); their lines reach this handler too, so it keeps its own level.
        handler.setLevel(level)
    try:
        return _run(args, debug)
    except KeyboardInterrupt:
        print("spapi-sync: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            traceback.print_exc()
        config = _config_error(exc)
        if config is not None:
            print(f"spapi-sync: {config}", file=sys.stderr)
            return 2
        print(f"sync failed: {_cause(exc)}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, debug: bool) -> int:
    if args.command == "plan":
        return run_plan(args.start, args.end, args.accounts)
    if args.command == "demo" and any(os.environ.get(v) for v in CREDENTIAL_VARS):
        raise ConfigError("demo runs on the local sandbox only; unset SPAPI_CLIENT_ID/SECRET/REFRESH_TOKEN "
                          "or use `spapi-sync sync`")
    t0 = time.monotonic()
    if args.command == "demo":
        counts, failed_checks = run_demo(args.days, debug)
    else:
        counts, failed_checks = run_sync(args.days, debug=debug)
    print_tables(counts)
    empty = [n for n, c in counts.items() if c == 0]
    for failed in failed_checks:
        print(f"CHECK WARNING: {failed}")
    settings = Settings.from_env()
    print(f"\nsynced in {time.monotonic() - t0:.0f}s; {len(counts)} tables, "
          f"{sum(counts.values()):,} rows" + (f"; EMPTY: {', '.join(empty)}" if empty else "")
          + f"\n{_where_rows_are(settings)}")
    return 0


def _where_rows_are(settings: Settings) -> str:
    wh = Warehouse.configured(settings.warehouse_path)
    if wh.lake:
        bi = redact(wh.lake.attach_sql(read_only=True))
        return f"warehouse: DuckLake {wh.lake}   BI tools attach it read-only: {bi}"
    return f"warehouse: {settings.warehouse_path}   BI copy: {publish_path(settings.warehouse_path)}"


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps: Dagster's ``user_exception``, then causes and contexts."""
    chain: list[BaseException] = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = (getattr(exc, "user_exception", None) or exc.__cause__
               or (None if exc.__suppress_context__ else exc.__context__))
    return chain


def _config_error(exc: BaseException) -> str | None:
    """The message of the ConfigError behind ``exc`` (raised directly or wrapped by Dagster), if any."""
    return next((str(e) for e in _chain(exc) if isinstance(e, ConfigError)), None)


def _cause(exc: BaseException) -> str:
    """The first error in the chain that is not Dagster's wrapper, with its notes, on one line."""
    cause = next((e for e in _chain(exc) if not type(e).__module__.startswith("dagster")), exc)
    text = " ".join([str(cause).strip() or type(cause).__name__, *getattr(cause, "__notes__", [])])
    return f"{type(cause).__name__}: {' '.join(text.split())}"


if __name__ == "__main__":
    sys.exit(main())
