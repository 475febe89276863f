"""What a user configures, read from the environment, validated with errors that
name the setting and its allowed values.

With no credentials at all the pipeline runs against the embedded local sandbox
and writes to a separate DuckDB file (``data/sandbox.duckdb``), so sandbox rows
can never be mistaken for real ones.

>>> s = Settings.from_env({})
>>> s.sandbox, s.warehouse_path.name, s.marketplace_ids[0]
(True, 'sandbox.duckdb', 'ATVPDKIKX0DER')
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pipelines.spapi.errors import ConfigError

CREDENTIAL_VARS = ("SPAPI_CLIENT_ID", "SPAPI_CLIENT_SECRET", "SPAPI_REFRESH_TOKEN")
REGIONS = ("na", "eu", "fe")
DEFAULT_MARKETPLACE = {"na": "ATVPDKIKX0DER", "eu": "A1PA6795UKMFR9", "fe": "A1VC38T7YXB528"}
SANDBOX_MARKETPLACES = ("ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528")
ACCOUNT_TYPES = ("seller", "vendor")
DATA_DIR = Path(os.environ.get("SPAPI_DATA_DIR", "data"))


@dataclass(frozen=True)
class Settings:
    sandbox: bool
    region: str
    marketplace_ids: tuple[str, ...]
    start_date: date
    warehouse_path: Path
    account: str
    account_type: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        present = [v for v in CREDENTIAL_VARS if env.get(v)]
        if present and len(present) < len(CREDENTIAL_VARS):
            missing = [v for v in CREDENTIAL_VARS if not env.get(v)]
            raise ConfigError(f"{', '.join(missing)} not set: set all of {', '.join(CREDENTIAL_VARS)} "
                              f"to use Amazon, or none of them to use the local sandbox")
        sandbox = not present
        region = env.get("SPAPI_REGION", "na").strip().lower()
        if region not in REGIONS:
            raise ConfigError(f"SPAPI_REGION={region!r} is not valid; allowed: {', '.join(REGIONS)}")
        raw_ids = env.get("SPAPI_MARKETPLACE_IDS", "")
        ids = tuple(m.strip() for m in raw_ids.split(",") if m.strip())
        if not ids:
            ids = SANDBOX_MARKETPLACES if sandbox else (DEFAULT_MARKETPLACE[region],)
        account_type = env.get("SPAPI_ACCOUNT_TYPE", "seller").strip().lower()
        if account_type not in ACCOUNT_TYPES:
            raise ConfigError(f"SPAPI_ACCOUNT_TYPE={account_type!r} is not valid; allowed: {', '.join(ACCOUNT_TYPES)}")
        start = _parse_start(env.get("SPAPI_START_DATE"))
        default_wh = DATA_DIR / ("sandbox.duckdb" if sandbox else "amazon.duckdb")
        return cls(
            sandbox=sandbox,
            region=region,
            marketplace_ids=ids,
            start_date=start,
            warehouse_path=Path(env.get("WAREHOUSE_PATH") or default_wh),
            account=env.get("SPAPI_ACCOUNT", "sandbox" if sandbox else "default"),
            account_type=account_type,
        )


def _parse_start(value: str | None) -> date:
    """SPAPI_START_DATE (YYYY-MM-DD); default: the first day of the month a year ago."""
    if not value:
        today = date.today()
        return (today.replace(day=1) - timedelta(days=365)).replace(day=1)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"SPAPI_START_DATE={value!r} is not a date; expected YYYY-MM-DD, e.g. 2025-01-01") from None
