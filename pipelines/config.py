"""What a user configures, read from the environment, validated with errors that
name the setting and its allowed values.

One account comes from ``SPAPI_*`` variables. Several accounts (an agency's
brands, one seller in several regions) come from a TOML file named by
``SPAPI_ACCOUNTS_FILE``; each entry names the environment variables that hold
its credentials, so the file itself holds no secret::

    [[account]]
    name = "brand-a-eu"
    region = "eu"
    marketplace_ids = ["A1PA6795UKMFR9", "A1F83G8C2ARO7P"]
    account_type = "seller"                      # or "vendor"
    client_id_env = "BRAND_A_CLIENT_ID"
    client_secret_env = "BRAND_A_CLIENT_SECRET"
    refresh_token_env = "BRAND_A_REFRESH_TOKEN"
    pii_reports = true                           # opt in to reports with buyer data (default false)

An entry with ``sandbox = true`` instead of credential variables is an account of
the embedded local sandbox (the demo's accounts: pipelines/demo_accounts.toml).

Reports with buyer names and addresses (restricted, PII) are requested only for
accounts that opt in: ``pii_reports = true`` in the file, or ``SPAPI_PII_REPORTS=1``
for the single account of the environment.

With no credentials at all the pipeline runs against the embedded local sandbox
and writes to a separate DuckDB file (``data/sandbox.duckdb``), so sandbox rows
can never be mistaken for real ones.

>>> s = Settings.from_env({})
>>> s.sandbox, s.warehouse_path.name, s.accounts[0].marketplace_ids[0]
(True, 'sandbox.duckdb', 'ATVPDKIKX0DER')
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from pipelines.spapi.errors import ConfigError
from pipelines.spapi.regions import region_of

CREDENTIAL_VARS = ("SPAPI_CLIENT_ID", "SPAPI_CLIENT_SECRET", "SPAPI_REFRESH_TOKEN")
REGIONS = ("na", "eu", "fe")
DEFAULT_MARKETPLACE = {"na": "ATVPDKIKX0DER", "eu": "A1PA6795UKMFR9", "fe": "A1VC38T7YXB528"}
SANDBOX_MARKETPLACES = ("ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528")
ACCOUNT_TYPES = ("seller", "vendor")
ACCOUNT_FILE_KEYS = ("name", "region", "marketplace_ids", "account_type", "client_id_env",
                     "client_secret_env", "refresh_token_env", "pii_reports", "sandbox")
CREDENTIAL_KEYS = ("client_id_env", "client_secret_env", "refresh_token_env")
PII_VAR = "SPAPI_PII_REPORTS"
DATA_DIR = Path(os.environ.get("SPAPI_DATA_DIR", "data"))
# Oldest SPAPI_START_DATE accepted: an older one is a typo (1025 for 2025), not history to sync.
MAX_HISTORY_YEARS = 20


@dataclass(frozen=True)
class Account:
    """One selling-partner account: its name in ``_account``, where it sells, and
    which environment variables hold its credentials (None: the local sandbox)."""

    name: str
    region: str
    marketplace_ids: tuple[str, ...]
    account_type: str = "seller"
    credential_vars: tuple[str, str, str] | None = None
    pii_reports: bool = False  # opted in to restricted reports (buyer names, addresses)


@dataclass(frozen=True)
class Settings:
    sandbox: bool
    accounts: tuple[Account, ...]
    start_date: date
    warehouse_path: Path

    @property
    def account_types(self) -> set[str]:
        return {a.account_type for a in self.accounts}

    def accounts_of(self, account_type: str) -> list[Account]:
        return [a for a in self.accounts if a.account_type == account_type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        start = _parse_start(env.get("SPAPI_START_DATE"))
        if env.get("SPAPI_ACCOUNTS_FILE"):
            accounts = load_accounts(Path(env["SPAPI_ACCOUNTS_FILE"]), env)
            sandbox = all(a.credential_vars is None for a in accounts)
        else:
            present = [v for v in CREDENTIAL_VARS if env.get(v)]
            if present and len(present) < len(CREDENTIAL_VARS):
                missing = [v for v in CREDENTIAL_VARS if not env.get(v)]
                raise ConfigError(f"{', '.join(missing)} not set: set all of {', '.join(CREDENTIAL_VARS)} "
                                  f"to use Amazon, or none of them to use the local sandbox")
            sandbox = not present
            region = _region(env.get("SPAPI_REGION", "na"), "SPAPI_REGION")
            ids = tuple(m.strip() for m in env.get("SPAPI_MARKETPLACE_IDS", "").split(",") if m.strip())
            accounts = (Account(
                name=env.get("SPAPI_ACCOUNT", "sandbox" if sandbox else "default"),
                region=region,
                marketplace_ids=ids or (SANDBOX_MARKETPLACES if sandbox else (DEFAULT_MARKETPLACE[region],)),
                account_type=_account_type(env.get("SPAPI_ACCOUNT_TYPE", "seller"), "SPAPI_ACCOUNT_TYPE"),
                credential_vars=None if sandbox else CREDENTIAL_VARS,
                pii_reports=_flag(env.get(PII_VAR, ""), PII_VAR),
            ),)
        if not sandbox:
            for account in accounts:
                _check_marketplaces(account)
        default_wh = DATA_DIR / ("sandbox.duckdb" if sandbox else "amazon.duckdb")
        return cls(sandbox=sandbox, accounts=accounts, start_date=start,
                   warehouse_path=Path(env.get("WAREHOUSE_PATH") or default_wh))


def load_accounts(path: Path, env: Mapping[str, str]) -> tuple[Account, ...]:
    """The ``[[account]]`` entries of an accounts file, every one checked now: a
    missing credential variable fails before any API call, naming the account."""
    where = f"SPAPI_ACCOUNTS_FILE {path}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{where} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where} is not valid TOML: {exc}") from None
    entries = data.get("account")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f'{where} has no [[account]] entries (see the README for the format)')
    accounts, seen = [], set()
    for n, raw in enumerate(entries, 1):
        label = f"{where}, account #{n}"
        unknown = sorted(set(raw) - set(ACCOUNT_FILE_KEYS))
        on_sandbox = raw.get("sandbox", False)
        if not isinstance(on_sandbox, bool):
            raise ConfigError(f"{label}: sandbox must be true or false, got {on_sandbox!r}")
        missing = [k for k in ("name", *(() if on_sandbox else CREDENTIAL_KEYS)) if k not in raw]
        if unknown or missing:
            raise ConfigError(f"{label}: " + "; ".join(
                ([f"unknown keys {unknown}"] if unknown else []) + ([f"missing keys {missing}"] if missing else []))
                + f" (allowed: {', '.join(ACCOUNT_FILE_KEYS)})")
        name = str(raw["name"])
        label = f"{where}, account {name!r}"
        if name in seen:
            raise ConfigError(f"{label}: the name is used twice; names go into every row's _account")
        seen.add(name)
        region = _region(raw.get("region", "na"), f"{label}: region")
        ids = raw.get("marketplace_ids") or [DEFAULT_MARKETPLACE[region]]
        if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
            raise ConfigError(f"{label}: marketplace_ids must be a list of marketplace id strings")
        creds = None if on_sandbox else tuple(raw[k] for k in CREDENTIAL_KEYS)
        unset = [v for v in creds or () if not env.get(v)]
        if unset:
            raise ConfigError(f"{label}: environment variables {', '.join(unset)} are not set")
        if accounts and (accounts[0].credential_vars is None) != on_sandbox:
            raise ConfigError(f"{label}: mixes Amazon and sandbox accounts in one file; the sandbox's rows "
                              f"go to a warehouse of their own, so use a file of sandbox accounts only")
        pii = raw.get("pii_reports", False)
        if not isinstance(pii, bool):
            raise ConfigError(f"{label}: pii_reports must be true or false, got {pii!r}")
        accounts.append(Account(name=name, region=region, marketplace_ids=tuple(ids),
                                account_type=_account_type(raw.get("account_type", "seller"), f"{label}: account_type"),
                                credential_vars=creds, pii_reports=pii))
    return tuple(accounts)


def _check_marketplaces(account: Account) -> None:
    """A marketplace is served by one regional endpoint: calling another region's
    marketplace fails at Amazon, so say it now. Unknown ids pass (Amazon adds some)."""
    wrong = [m for m in account.marketplace_ids if region_of(m) not in (None, account.region)]
    if wrong:
        where = ", ".join(f"{m} is in region {region_of(m)}" for m in wrong)
        raise ConfigError(f"account {account.name!r} (region {account.region}): {where}; set SPAPI_REGION (or the "
                          f"account's region) to match, or list those marketplaces under another account")


def _region(value: str, setting: str) -> str:
    region = str(value).strip().lower()
    if region not in REGIONS:
        raise ConfigError(f"{setting}={value!r} is not valid; allowed: {', '.join(REGIONS)}")
    return region


def _flag(value: str, setting: str) -> bool:
    """An on/off environment variable: 1/true/yes or 0/false/no (empty: off).

    >>> _flag("1", "X"), _flag("", "X"), _flag("False", "X")
    (True, False, False)
    """
    text = value.strip().lower()
    if text in ("1", "true", "yes"):
        return True
    if text in ("", "0", "false", "no"):
        return False
    raise ConfigError(f"{setting}={value!r} is not valid; allowed: 1, true, yes or 0, false, no")


def _account_type(value: str, setting: str) -> str:
    kind = str(value).strip().lower()
    if kind not in ACCOUNT_TYPES:
        raise ConfigError(f"{setting}={value!r} is not valid; allowed: {', '.join(ACCOUNT_TYPES)}")
    return kind


def _parse_start(value: str | None, today: date | None = None) -> date:
    """SPAPI_START_DATE (YYYY-MM-DD); default: January 1st of last year. The
    default moves once a year only, so every process of a deployment sees the
    same partitions; set SPAPI_START_DATE to pin it.

    The first daily partition must be a past day (partitions are UTC days, the
    last one is yesterday) and at most MAX_HISTORY_YEARS back.

    >>> _parse_start("2026-03-01", today=date(2026, 3, 1))
    Traceback (most recent call last):
    ...
    pipelines.spapi.errors.ConfigError: SPAPI_START_DATE='2026-03-01' is not a past day (today is 2026-03-01 UTC); the first partition must be yesterday or earlier, e.g. 2025-01-01
    """
    today = today or datetime.now(timezone.utc).date()
    if not value:
        return date(today.year - 1, 1, 1)
    try:
        start = date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"SPAPI_START_DATE={value!r} is not a date; expected YYYY-MM-DD, e.g. 2025-01-01") from None
    example = date(today.year - 1, 1, 1).isoformat()
    if start >= today:
        raise ConfigError(f"SPAPI_START_DATE={value!r} is not a past day (today is {today} UTC); the first "
                          f"partition must be yesterday or earlier, e.g. {example}")
    oldest = date(today.year - MAX_HISTORY_YEARS, 1, 1)
    if start < oldest:
        raise ConfigError(f"SPAPI_START_DATE={value!r} is more than {MAX_HISTORY_YEARS} years back; "
                          f"use {oldest} or later, e.g. {example}")
    return start
