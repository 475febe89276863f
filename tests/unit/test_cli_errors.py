"""``spapi-sync`` says what is wrong in one line on stderr, without a traceback:
a setting to fix exits 2, a failed sync exits 1."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from pipelines import cli, resources
from pipelines.config import CREDENTIAL_VARS
from pipelines.spapi.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
CREDENTIALS = {"SPAPI_CLIENT_ID": "id", "SPAPI_CLIENT_SECRET": "secret", "SPAPI_REFRESH_TOKEN": "token"}
SETTINGS = (*CREDENTIAL_VARS, "SPAPI_REGION", "SPAPI_MARKETPLACE_IDS", "SPAPI_START_DATE", "SPAPI_ACCOUNT_TYPE",
            "SPAPI_ACCOUNTS_FILE", "SPAPI_ENDPOINT", "SPAPI_LWA_ENDPOINT", "SPAPI_DEBUG")


def today() -> date:
    return datetime.now(timezone.utc).date()


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment writing to tmp_path; returns a setter for the variables under test."""
    for var in SETTINGS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "wh.duckdb"))

    def set_env(values: dict[str, str]) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def run(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, err.splitlines(), out


CONFIG_ERRORS = [
    ({"SPAPI_START_DATE": "2999-01-01"},
     lambda: f"SPAPI_START_DATE='2999-01-01' is not a past day (today is {today()} UTC); the first partition "
             f"must be yesterday or earlier, e.g. {today().year - 1}-01-01"),
    ({"SPAPI_START_DATE": "1901-05-01"},
     lambda: f"SPAPI_START_DATE='1901-05-01' is more than 20 years back; use {today().year - 20}-01-01 or later, "
             f"e.g. {today().year - 1}-01-01"),
    ({"SPAPI_START_DATE": "2025-13-01"},
     lambda: "SPAPI_START_DATE='2025-13-01' is not a date; expected YYYY-MM-DD, e.g. 2025-01-01"),
    ({"SPAPI_REGION": "us"}, lambda: "SPAPI_REGION='us' is not valid; allowed: na, eu, fe"),
    ({"SPAPI_CLIENT_ID": "id"},
     lambda: "SPAPI_CLIENT_SECRET, SPAPI_REFRESH_TOKEN not set: set all of SPAPI_CLIENT_ID, SPAPI_CLIENT_SECRET, "
             "SPAPI_REFRESH_TOKEN to use Amazon, or none of them to use the local sandbox"),
    ({**CREDENTIALS, "SPAPI_ENDPOINT": "sellingpartnerapi-na.amazon.com"},
     lambda: "SPAPI_ENDPOINT='sellingpartnerapi-na.amazon.com' must be an http(s) URL"),
]


@pytest.mark.parametrize("values,message", CONFIG_ERRORS, ids=lambda v: next(iter(v)) if isinstance(v, dict) else "")
def test_a_config_error_is_one_line_and_exit_2(env, capsys, values, message):
    env(values)
    code, err, out = run(capsys, "sync", "--days", "1")
    assert (code, err, out) == (2, [f"spapi-sync: {message()}"], "")


@pytest.mark.parametrize("days", ["0", "-3", "two"])
def test_days_must_be_at_least_one(env, capsys, days):
    code, err, out = run(capsys, "sync", "--days", days)
    assert (code, err, out) == (2, [f"spapi-sync sync: argument --days: must be a whole number of days >= 1, "
                                    f"got {days!r} (see spapi-sync sync --help)"], "")


def test_demo_with_credentials_is_a_config_error(env, capsys):
    env(CREDENTIALS)
    code, err, out = run(capsys, "demo")
    assert (code, err, out) == (2, ["spapi-sync: demo runs on the local sandbox only; unset "
                                    "SPAPI_CLIENT_ID/SECRET/REFRESH_TOKEN or use `spapi-sync sync`"], "")


def test_a_config_error_raised_inside_the_dagster_run_is_unwrapped(env, capsys, monkeypatch):
    def refused(settings, account):
        raise ConfigError("SPAPI_LWA_ENDPOINT='ftp://lwa' must be an http(s) URL")

    monkeypatch.setattr(resources, "shared_client", refused)
    code, err, out = run(capsys, "sync", "--days", "1")
    assert (code, err) == (2, ["spapi-sync: SPAPI_LWA_ENDPOINT='ftp://lwa' must be an http(s) URL"])
    assert "Traceback" not in out and "Stack Trace" not in out
    assert 'STEP_FAILURE - Execution of step "raw_all_orders_by_last_update" failed. ConfigError: ' \
           "SPAPI_LWA_ENDPOINT='ftp://lwa' must be an http(s) URL" in out


def test_a_failed_sync_says_why_in_one_line_and_exits_1(env, capsys, monkeypatch):
    def unreachable(settings, account):
        raise ConnectionError("sandbox did not start:\n  port in use")

    monkeypatch.setattr(resources, "shared_client", unreachable)
    code, err, out = run(capsys, "sync", "--days", "1")
    assert (code, err) == (1, ["sync failed: ConnectionError: sandbox did not start: port in use"])
    assert "Traceback" not in out and "Stack Trace" not in out


def test_debug_adds_the_traceback(env, capsys, monkeypatch):
    def unreachable(settings, account):
        raise ConnectionError("sandbox did not start")

    monkeypatch.setattr(resources, "shared_client", unreachable)
    env({"SPAPI_DEBUG": "1"})
    code, err, out = run(capsys, "sync", "--days", "1")
    assert code == 1 and err[-1] == "sync failed: ConnectionError: sandbox did not start"
    assert "Traceback (most recent call last):" in err
    assert "Stack Trace:" in err  # Dagster's own event log, in full


def test_the_console_script_prints_no_traceback(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SPAPI_")},
           "WAREHOUSE_PATH": str(tmp_path / "wh.duckdb"), "SPAPI_START_DATE": "2999-01-01"}
    done = subprocess.run([str(Path(sys.executable).parent / "spapi-sync"), "sync", "--days", "1"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [
        f"spapi-sync: SPAPI_START_DATE='2999-01-01' is not a past day (today is {today()} UTC); the first "
        f"partition must be yesterday or earlier, e.g. {today().year - 1}-01-01"]
