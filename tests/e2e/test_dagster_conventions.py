"""Dagster conventions: the SP-API resource shows its settings as fields (credentials as EnvVar), every asset has owners and a
code reference to the file that declares it."""
from __future__ import annotations

from pathlib import Path

import pytest
from dagster import EnvVar, build_resources

from assets.conventions import CODE_REFERENCES, DEFAULT_OWNER, catalog_reference
from pipelines.catalog import CATALOG
from pipelines.config import CREDENTIAL_VARS, Settings
from pipelines.datakiosk_queries import load_queries
from pipelines.models import load_models
from pipelines.resources import SETTING_VARS, SpApiResource
from pipelines.spapi.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
FAKE_CREDENTIALS = {"SPAPI_CLIENT_ID": "amzn1.application-oa2-client.test", "SPAPI_CLIENT_SECRET": "not-a-real-secret",
                    "SPAPI_REFRESH_TOKEN": "Atzr|not-a-real-token"}


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
    monkeypatch.setenv("SPAPI_ASSET_OWNERS", "brand-ops")
    with pytest.raises(ConfigError, match="SPAPI_ASSET_OWNERS: 'brand-ops' is not an owner"):
        build_definitions(Settings.from_env())
