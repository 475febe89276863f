"""Dagster conventions: `dg check defs` loads the code location, the SP-API resource
shows its settings as fields (credentials as EnvVar), every asset has owners and a
code reference to the file that declares it, the project's own log lines show in
the run's log, and models carry their own metadata."""
from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from dagster import AssetSelection, DagsterInstance, EnvVar, build_resources, materialize

from assets.conventions import CODE_REFERENCES, DEFAULT_OWNER, catalog_reference
from pipelines import resources
from pipelines.catalog import CATALOG
from pipelines.config import CREDENTIAL_VARS, Settings
from pipelines.datakiosk_queries import load_queries
from pipelines.models import load_models
from pipelines.resources import SETTING_VARS, SpApiResource
from pipelines.spapi.errors import ConfigError
from tests.e2e.conftest import LAST_DAY, PINNED_LAST_DAY, PINNED_NOW, materialize_range

ROOT = Path(__file__).resolve().parents[2]
FAKE_CREDENTIALS = {"SPAPI_CLIENT_ID": "amzn1.application-oa2-client.test", "SPAPI_CLIENT_SECRET": "not-a-real-secret",
                    "SPAPI_REFRESH_TOKEN": "Atzr|not-a-real-token"}


def test_dg_check_defs_loads_the_code_location(tmp_path):
    """`dg check defs` from the project root, on the sandbox defaults (no credentials), offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPAPI_", "WAREHOUSE_PATH"))}
    env["DAGSTER_HOME"] = str(tmp_path)  # its own instance, not the committed dagster_home
    env["VIRTUAL_ENV"] = str(Path(sys.executable).parent.parent)  # as if activated: the project's .venv
    dg = Path(sys.executable).with_name("dg")
    done = subprocess.run([str(dg), "check", "defs"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "All definitions loaded successfully." in done.stdout


def test_the_resource_holds_the_sandbox_settings_the_partitions_were_built_from(defs, sandbox_env):
    spapi = defs.resources["spapi"]
    assert spapi.settings == sandbox_env
    assert (spapi.account_name, spapi.region, spapi.account_type, spapi.pii_reports) == ("sandbox", "na", "seller",
                                                                                          False)
    assert spapi.marketplace_ids == list(sandbox_env.accounts[0].marketplace_ids)
    assert spapi.start_date == "2026-01-01"
    assert (spapi.client_id, spapi.client_secret, spapi.refresh_token) == (None, None, None)  # the sandbox
    assert defs.resources["warehouse"].path == str(sandbox_env.warehouse_path)


def test_every_setting_is_a_described_field():
    fields = SpApiResource.model_fields
    assert set(fields) == set(SETTING_VARS)
    for name, var in SETTING_VARS.items():
        assert var in fields[name].description, name  # the UI names the variable it stands for


def test_a_default_start_date_is_pinned_in_the_resource(sandbox_env, monkeypatch):
    """Without SPAPI_START_DATE the first partition is a computed default: runs see the same one."""
    from pipelines.definitions import build_definitions

    monkeypatch.delenv("SPAPI_START_DATE")
    settings = Settings.from_env()
    assert build_definitions(settings).resources["spapi"].start_date == settings.start_date.isoformat()


def test_credentials_are_env_vars_resolved_only_at_run_time(sandbox_env, monkeypatch):
    for var, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setenv("SPAPI_REGION", "eu")
    settings = Settings.from_env()
    spapi = SpApiResource.holding(settings)
    assert [getattr(spapi, f) for f in ("client_id", "client_secret", "refresh_token")] == [
        EnvVar(v) for v in CREDENTIAL_VARS]
    assert all(isinstance(getattr(spapi, f), EnvVar) for f in ("client_id", "client_secret", "refresh_token"))
    assert "not-a-real-secret" not in repr(spapi)  # Dagster config holds the variables' names only
    assert spapi.settings == settings and not settings.sandbox and spapi.region == "eu"
    with build_resources({"spapi": spapi}) as built:
        assert built.spapi.client_secret == "not-a-real-secret"
        assert built.spapi.settings == settings


def test_one_credential_field_alone_is_the_settings_error():
    """The fields are parsed by Settings, with its errors: a partial set of credentials."""
    with pytest.raises(ConfigError, match="SPAPI_CLIENT_SECRET, SPAPI_REFRESH_TOKEN not set"):
        _ = SpApiResource(client_id="x").settings
    with pytest.raises(ConfigError, match="SPAPI_REGION='us' is not valid; allowed: na, eu, fe"):
        _ = SpApiResource(region="us").settings


def test_an_accounts_file_is_a_field_and_its_accounts_come_from_it(tmp_path, monkeypatch):
    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[[account]]\nname = "brand-a-eu"\nregion = "eu"\nclient_id_env = "A_ID"\n'
                        'client_secret_env = "A_SECRET"\nrefresh_token_env = "A_TOKEN"\n')
    for var in ("A_ID", "A_SECRET", "A_TOKEN"):
        monkeypatch.setenv(var, "x")
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SPAPI_ACCOUNTS_FILE", str(accounts))
    settings = Settings.from_env()
    spapi = SpApiResource.holding(settings)
    assert spapi.accounts_file == str(accounts) and spapi.client_id is None
    assert spapi.settings == settings and [a.name for a in settings.accounts] == ["brand-a-eu"]


def _code_reference(defs, key: str):
    a = next(a for a in defs.assets if key in {k.to_user_string() for k in a.keys})
    spec = next(s for s in a.specs if s.key.to_user_string() == key)
    return spec.owners, spec.metadata[CODE_REFERENCES].code_references


def test_every_asset_has_owners_and_a_reference_to_its_declaring_file(defs):
    keys = sorted(k.to_user_string() for a in defs.assets for k in a.keys)
    entries = {t: e for e in CATALOG for t in e.tables}
    queries = {q.table: q.path.resolve() for q in load_queries()}
    models = {m.name: m.path.resolve() for m in load_models()}
    by_hand = {"unit_costs": ROOT / "assets/unit_costs.py", "bi_snapshot": ROOT / "assets/models.py"}
    assert set(keys) <= set(entries) | set(queries) | set(models) | set(by_hand)
    refs = {key: _code_reference(defs, key) for key in keys}
    starts: dict[Path, set[int]] = {}  # the lines where the catalog entries of each module begin
    for key in set(keys) & set(entries):
        starts.setdefault(Path(refs[key][1][0].file_path), set()).add(refs[key][1][0].line_number)
    for key in keys:
        owners, [ref] = refs[key]
        assert owners == [DEFAULT_OWNER], key
        path = Path(ref.file_path)
        if key in entries:  # the family module listing the entry, at the call naming it
            e = entries[key]
            module = __import__(f"pipelines.catalog.{path.stem}", fromlist=["ENTRIES"])
            assert path.parent == ROOT / "pipelines/catalog" and any(x is e for x in module.ENTRIES), key
            naming = next(n for n, line in enumerate(path.read_text().splitlines(), 1) if f'"{e.name}"' in line)
            assert ref.line_number == max(n for n in starts[path] if n <= naming), key  # no other entry between
        else:
            assert path == queries.get(key) or path == models.get(key) or path == by_hand[key], key


def test_the_catalog_line_is_the_entrys_own_call():
    orders = next(e for e in CATALOG if e.name == "all_orders_by_order_date")
    ref = catalog_reference(orders)
    lines = Path(ref.file_path).read_text().splitlines()
    assert Path(ref.file_path) == ROOT / "pipelines/catalog/orders.py"
    assert lines[ref.line_number - 1].strip() == "ReportEntry("
    assert lines[ref.line_number + 1].strip() == 'name="all_orders_by_order_date",'


def test_owners_come_from_one_setting_and_git_links_when_a_repository_is_named(sandbox_env, monkeypatch):
    from pipelines.definitions import build_definitions

    monkeypatch.setenv("SPAPI_ASSET_OWNERS", "team:brand-ops, ana@example.com")
    monkeypatch.setenv("SPAPI_GIT_URL", "https://github.com/example/spapi-duckdb")
    defs = build_definitions(Settings.from_env())
    owners, [ref] = _code_reference(defs, "raw_all_orders_by_order_date")
    assert owners == ["team:brand-ops", "ana@example.com"]
    line = catalog_reference(next(e for e in CATALOG if e.name == "all_orders_by_order_date")).line_number
    assert ref.url == f"https://github.com/example/spapi-duckdb/tree/main/pipelines/catalog/orders.py#L{line}"
    _, [ref] = _code_reference(defs, "orders")
    assert ref.url == "https://github.com/example/spapi-duckdb/tree/main/queries/models/orders.sql"
    monkeypatch.setenv("SPAPI_GIT_URL", "git@github.com:example/spapi-duckdb.git")
    with pytest.raises(ConfigError, match="SPAPI_GIT_URL='git@github.com:example/spapi-duckdb.git' is not a GitHub"):
        build_definitions(Settings.from_env())
    monkeypatch.setenv("SPAPI_ASSET_OWNERS", "brand-ops")
    with pytest.raises(ConfigError, match="SPAPI_ASSET_OWNERS: 'brand-ops' is not an owner"):
        build_definitions(Settings.from_env())


@pytest.fixture
def home_instance(tmp_path):
    """An instance set up by the committed dagster_home/dagster.yaml (what `make dev` opens), storing in tmp_path."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home)
    with DagsterInstance.from_config(str(home)) as instance:
        yield instance


def _project_lines(instance, run_id) -> list[tuple[int, str]]:
    """The run's log lines that are not Dagster events: what the project's loggers said."""
    return [(e.level, e.user_message) for e in instance.all_logs(run_id) if e.dagster_event is None]


def test_the_sandbox_notice_and_the_clients_retries_show_in_the_runs_log(sandbox_env, defs, home_instance, warehouse):
    reimbursements = AssetSelection.assets("raw_fba_reimbursements")
    first = materialize_range(defs, sandbox_env, reimbursements, LAST_DAY, LAST_DAY, instance=home_instance)
    notices = [(level, m) for level, m in _project_lines(home_instance, first.run_id) if "LOCAL SANDBOX" in m]
    assert [level for level, _ in notices] == [logging.WARNING]  # the run started the embedded sandbox
    assert notices[0][1].startswith("NO SP-API CREDENTIALS SET: using the embedded LOCAL SANDBOX at http://127.0.0.1:")

    sandbox = resources.embedded_sandbox(sandbox_env)
    sandbox.travel_to(PINNED_NOW)  # days that hold reimbursements, for the model below
    sandbox.inject("throttle", count=1)  # Amazon's 429 on the next call, whichever operation it is
    days = (PINNED_LAST_DAY - timedelta(days=2), PINNED_LAST_DAY)
    second = materialize_range(defs, sandbox_env, reimbursements, *days, instance=home_instance)
    warnings = [m for level, m in _project_lines(home_instance, second.run_id) if level == logging.WARNING]
    [throttled] = [m for m in warnings if " -> HTTP 429 QuotaExceeded (request id " in m]
    operation = throttled.split(" ")[0]
    [retry] = [m for m in warnings if m.startswith(f"{operation}: attempt 1 failed")]
    assert re.fullmatch(rf"{operation}: attempt 1 failed \(.*QuotaExceeded.*\); retrying in \d+\.\d\ds", retry)

    # A model's materialization: its table, rows, columns, file and build time; nothing of a source's.
    model = materialize(list(defs.assets), resources=defs.resources, instance=home_instance,
                        selection=AssetSelection.assets("reimbursements"))
    [event] = model.get_asset_materialization_events()
    meta = {k: v.value for k, v in event.materialization.metadata.items()}
    rows = warehouse.query("SELECT count(*) FROM reimbursements")[0][0]
    assert rows > 0  # the pinned days hold reimbursements
    assert set(meta) == {"table", "dagster/row_count", "dagster/column_schema", "preview", "model_file",
                         "duration_seconds"}
    assert (meta["table"], meta["dagster/row_count"], meta["model_file"]) == (
        "reimbursements", rows, "queries/models/reimbursements.sql")
    assert [(c.name, c.type) for c in meta["dagster/column_schema"].columns] == warehouse.columns("reimbursements")
    assert 0 < meta["duration_seconds"] < 60
