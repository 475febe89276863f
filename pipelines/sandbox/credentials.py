"""The sandbox's fixed LWA app credentials (not secrets: they only open the
local sandbox). Point any SP-API client at the sandbox with these.

>>> SANDBOX_CLIENT_ID.startswith("amzn1.application-oa2-client.")
True
"""

SANDBOX_CLIENT_ID = "amzn1.application-oa2-client.sandbox0000000000000000000000"
SANDBOX_CLIENT_SECRET = "amzn1.oa2-cs.v1.sandbox-secret-not-a-real-secret"
SANDBOX_REFRESH_TOKEN = "Atzr|sandbox-refresh-token-for-the-local-seller"
