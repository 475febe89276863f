"""Several accounts from SPAPI_ACCOUNTS_FILE; every problem named before any API call."""
import pytest

from pipelines.config import Settings
from pipelines.spapi.errors import ConfigError

ENV = {"A_ID": "id-a", "A_SECRET": "secret-a", "A_TOKEN": "token-a",
       "B_ID": "id-b", "B_SECRET": "secret-b", "B_TOKEN": "token-b"}

TWO_ACCOUNTS = """
[[account]]
name = "brand-a-us"
marketplace_ids = ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"]
client_id_env = "A_ID"
client_secret_env = "A_SECRET"
refresh_token_env = "A_TOKEN"

[[account]]
name = "brand-b-eu"
region = "eu"
account_type = "vendor"
client_id_env = "B_ID"
client_secret_env = "B_SECRET"
refresh_token_env = "B_TOKEN"
"""


def settings_from(tmp_path, text, env=ENV):
    path = tmp_path / "accounts.toml"
    path.write_text(text)
    return Settings.from_env({**env, "SPAPI_ACCOUNTS_FILE": str(path)})


def test_two_accounts_with_their_regions_marketplaces_and_types(tmp_path):
    s = settings_from(tmp_path, TWO_ACCOUNTS)
    a, b = s.accounts
    assert not s.sandbox and s.warehouse_path.name == "amazon.duckdb"
    assert (a.name, a.region, a.marketplace_ids, a.account_type) == \
        ("brand-a-us", "na", ("ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"), "seller")
    assert (b.name, b.region, b.marketplace_ids, b.account_type) == ("brand-b-eu", "eu", ("A1PA6795UKMFR9",), "vendor")
    assert s.account_types == {"seller", "vendor"} and s.accounts_of("vendor") == [b]
    assert b.credential_vars == ("B_ID", "B_SECRET", "B_TOKEN")


@pytest.mark.parametrize("change,message", [
    (lambda t, e: (t, {k: v for k, v in e.items() if k != "B_SECRET"}), "account 'brand-b-eu'.*B_SECRET are not set"),
    (lambda t, e: (t.replace('region = "eu"', 'region = "us"'), e), "brand-b-eu.*region='us' is not valid; allowed: na, eu, fe"),
    (lambda t, e: (t.replace('name = "brand-b-eu"', 'name = "brand-a-us"'), e), "brand-a-us.*used twice"),
    (lambda t, e: (t.replace('account_type = "vendor"', 'acount_type = "vendor"'), e), "unknown keys \\['acount_type'\\]"),
    (lambda t, e: (t.replace("[[account]]", "[[accounts]]"), e), "no \\[\\[account\\]\\] entries"),
    (lambda t, e: (t + "\n[[account", e), "not valid TOML"),
])
def test_a_bad_accounts_file_names_the_account_and_the_problem(tmp_path, change, message):
    text, env = change(TWO_ACCOUNTS, ENV)
    with pytest.raises(ConfigError, match=message):
        settings_from(tmp_path, text, env)


def test_the_file_itself_holds_no_secret_and_errors_never_echo_one(tmp_path):
    with pytest.raises(ConfigError) as err:
        settings_from(tmp_path, TWO_ACCOUNTS, {k: v for k, v in ENV.items() if k != "A_TOKEN"})
    assert "secret-a" not in str(err.value) and "id-a" not in str(err.value)


def test_a_marketplace_of_another_region_is_refused_naming_both():
    env = {"SPAPI_CLIENT_ID": "i", "SPAPI_CLIENT_SECRET": "s", "SPAPI_REFRESH_TOKEN": "t",
           "SPAPI_REGION": "na", "SPAPI_MARKETPLACE_IDS": "ATVPDKIKX0DER,A1PA6795UKMFR9"}
    with pytest.raises(ConfigError, match="A1PA6795UKMFR9 is in region eu.*SPAPI_REGION"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "SPAPI_MARKETPLACE_IDS": "ATVPDKIKX0DER,A2EUQ1WTGCTBG2"}).accounts
