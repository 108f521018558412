"""A token's whole life at the demo, driven by Python's authlib (a real OAuth
2.0 client library), over HTTP: client credentials, refresh token rotation,
RFC 7009 revocation, and refresh token reuse.

Usage: python flow.py http://127.0.0.1:PORT
Exits 0 when every step answers as RFC 6749 and RFC 7009 say, 1 otherwise,
printing each step.
"""

import sys

import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError

BASE = sys.argv[1].rstrip("/")
TOKEN = BASE + "/oauth/token"
REVOKE = BASE + "/oauth/revoke"


def me(access_token):
    """GET /me with the access token: (status, JSON or None)."""
    answer = requests.get(BASE + "/me", headers={"Authorization": "Bearer " + access_token}, timeout=10)
    body = answer.json() if answer.status_code == 200 else None
    return answer.status_code, body


def check(what, condition):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        sys.exit(1)


def session():
    # client_secret_basic, authlib's default for a confidential client.
    return OAuth2Session(client_id="app1", client_secret="s3cr3t", token_endpoint_auth_method="client_secret_basic")


client = session()
issued = client.fetch_token(TOKEN, grant_type="client_credentials")
check("client_credentials: a Bearer access token", issued.get("token_type") == "Bearer" and issued.get("access_token"))
check("client_credentials: no refresh token (RFC 6749 §4.4.3)", "refresh_token" not in issued)
status, body = me(issued["access_token"])
check("client_credentials: /me knows the token", status == 200 and body["client_id"] == "app1" and body["sub"] == "app1")

refreshed = session().refresh_token(TOKEN, refresh_token="RT1")
check("refresh_token: new access and refresh tokens", refreshed.get("access_token") and refreshed.get("refresh_token") not in (None, "RT1"))
status, body = me(refreshed["access_token"])
check("refresh_token: the new access token keeps alice", status == 200 and body["sub"] == "alice")

again = session().refresh_token(TOKEN, refresh_token=refreshed["refresh_token"])
check("refresh_token: the successor rotates in turn", again.get("refresh_token") not in (None, refreshed["refresh_token"]))

revoker = session()
answer = revoker.revoke_token(REVOKE, token=again["refresh_token"], token_type_hint="refresh_token")
check("revoke_token: 200 (RFC 7009 §2.2)", answer.status_code == 200)
status, _ = me(again["access_token"])
check("revoke_token: revoking the refresh token ended its grant", status == 401)

try:
    session().refresh_token(TOKEN, refresh_token="RT1")
    check("reuse: a rotated refresh token is refused", False)
except OAuthError as error:
    check("reuse: invalid_grant (RFC 9700 §4.14.2)", error.error == "invalid_grant")

try:
    OAuth2Session(client_id="app1", client_secret="wrong").fetch_token(TOKEN, grant_type="client_credentials")
    check("a wrong secret is refused", False)
except OAuthError as error:
    check("a wrong secret: invalid_client", error.error == "invalid_client")
print("authlib flow: every step as specified")
