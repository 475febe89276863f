"""The sandbox's fixed LWA credentials (not secrets: they only open the local
sandbox). Point any SP-API client at the sandbox with these.

One application (client id and secret) is authorized by every sandbox account
(tenant), as an agency's app is by each seller it serves; each account has its
own refresh token, derived from its name. The default account keeps the
original constants.

>>> SANDBOX_CLIENT_ID.startswith("amzn1.application-oa2-client.")
True
>>> tenant_credentials(DEFAULT_TENANT) == (SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN)
True
>>> tenant_credentials("brand-eu")[2]
'Atzr|sandbox-refresh-token-for-account-brand-eu'
"""

SANDBOX_CLIENT_ID = "amzn1.application-oa2-client.sandbox0000000000000000000000"
SANDBOX_CLIENT_SECRET = "amzn1.oa2-cs.v1.sandbox-secret-not-a-real-secret"
SANDBOX_REFRESH_TOKEN = "Atzr|sandbox-refresh-token-for-the-local-seller"
DEFAULT_TENANT = "sandbox"  # the account a sandbox serves when none are configured


def tenant_credentials(name: str) -> tuple[str, str, str]:
    """(client_id, client_secret, refresh_token) that open the sandbox as account ``name``."""
    if not name:
        raise ValueError("a sandbox account needs a name")
    token = SANDBOX_REFRESH_TOKEN if name == DEFAULT_TENANT else f"Atzr|sandbox-refresh-token-for-account-{name}"
    return SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, token
