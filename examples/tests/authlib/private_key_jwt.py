"""private_key_jwt (RFC 7523) at the demo, driven by Python's authlib (a real
OAuth 2.0 client library), over HTTP: a token obtained at /oauth/token with
client_credentials, introspected and revoked, each request authenticated by
an assertion authlib signs (authlib.oauth2.rfc7523.PrivateKeyJWT); a replayed
assertion refused; and, under TOWER_REVOKE_CLIENT_ASSERTION_STRICT=true,
authlib's default assertion refused and one for the issuer accepted.

Usage: python private_key_jwt.py http://127.0.0.1:PORT KEYS_DIR lenient|strict
KEYS_DIR holds the private keys of the client `keyed` (test-support/keys:
rsa.pem, ec.pem, ed25519.pem; ed25519-other.pem is a key it never
registered). The demo's seed registers `keyed` with their public halves
and no secret.

Exits 0 when every step answers as RFC 7523, RFC 6749, RFC 7009 and RFC 7662
say, 1 otherwise, printing each step; then prints each assertion the demo
accepted as `accepted jti: CLIENT JTI`, so that the test can find them,
and no other, in the store.

What authlib sends, read from its source (1.x) and checked below on the
assertions it signed:
- PrivateKeyJWT(token_endpoint=None) signs with `aud` the URL it posts to,
  whatever the endpoint: the token endpoint's for fetch_token, the
  revocation endpoint's for revoke_token, the introspection endpoint's for
  introspect_token. PrivateKeyJWT(token_endpoint=URL) signs every
  assertion for URL instead: the way to give it another audience.
- `exp` is `iat` + 3600 (sign_jwt_bearer_assertion's `expires_in`), the
  verifier's longest lifetime by default; `iss` and `sub` the client id; a
  fresh random `jti` per assertion; header `typ: JWT` (joserfc's default)
  unless PrivateKeyJWT(headers=...) says otherwise; `alg` RS256 unless
  PrivateKeyJWT(alg=...).
- introspect_token authenticates with the session's
  token_endpoint_auth_method, revoke_token with its
  revocation_endpoint_auth_method: both are set here.
"""

import base64
import json
import os
import sys

import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc.jwk import ECKey, OKPKey, RSAKey

BASE = sys.argv[1].rstrip("/")
KEYS = sys.argv[2]
MODE = sys.argv[3]
CLIENT = "keyed"
STRICT_TYP = "client-authentication+jwt"

# Each assertion the demo accepted: (client, jti).
ACCEPTED = []


def check(what, condition):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        sys.exit(1)


def key(name, kind):
    with open(os.path.join(KEYS, name), "rb") as pem:
        return kind.import_key(pem.read())


def claims_of(assertion):
    """The claims of a JWT, read without verifying it."""
    payload = assertion.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def header_of(assertion):
    part = assertion.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class Recorded(PrivateKeyJWT):
    """authlib's PrivateKeyJWT, keeping each assertion it signs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed = []

    def sign(self, auth, token_endpoint):
        assertion = super().sign(auth, token_endpoint)
        self.signed.append(assertion)
        return assertion


class Replayed(PrivateKeyJWT):
    """Sends `assertion` again, as authlib sends any assertion."""

    def __init__(self, assertion):
        super().__init__()
        self.assertion = assertion

    def sign(self, auth, token_endpoint):
        return self.assertion


def session(auth, private_key):
    """A session of `keyed` authenticating every request with `auth`."""
    client = OAuth2Session(
        client_id=CLIENT,
        client_secret=private_key,
        token_endpoint_auth_method="private_key_jwt",
        revocation_endpoint_auth_method="private_key_jwt",
    )
    client.register_client_auth_method(auth)
    return client


def accepted(auth):
    """The assertion `auth` signed last was accepted."""
    ACCEPTED.append((CLIENT, claims_of(auth.signed[-1])["jti"]))


def me(access_token):
    answer = requests.get(BASE + "/me", headers={"Authorization": "Bearer " + access_token}, timeout=10)
    return answer.status_code, answer.json() if answer.status_code == 200 else None


def refused_at_token_endpoint(what, client):
    try:
        client.fetch_token(TOKEN, grant_type="client_credentials")
        check(what + ": refused", False)
    except OAuthError as error:
        check(what + ": invalid_client", error.error == "invalid_client")


def invalid_client(what, answer):
    """`answer` is 401 invalid_client (RFC 6749 §5.2)."""
    body = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}
    check(what + ": 401 invalid_client", answer.status_code == 401 and body.get("error") == "invalid_client")


metadata = requests.get(BASE + "/.well-known/oauth-authorization-server", timeout=10).json()
ISSUER = metadata["issuer"]
TOKEN = metadata["token_endpoint"]
REVOKE = metadata["revocation_endpoint"]
INTROSPECT = metadata["introspection_endpoint"]
check("metadata: the issuer is the address the demo listens on", ISSUER == BASE)
for endpoint in ("token", "revocation", "introspection"):
    methods = metadata[endpoint + "_endpoint_auth_methods_supported"]
    algs = metadata[endpoint + "_endpoint_auth_signing_alg_values_supported"]
    check(
        f"metadata: {endpoint} endpoint lists private_key_jwt with RS256, PS256, ES256, EdDSA",
        "private_key_jwt" in methods and {"RS256", "PS256", "ES256", "EdDSA"} <= set(algs),
    )

rsa = key("rsa.pem", RSAKey)


def whole_life(auth, private_key, what):
    """A token's whole life with `auth`: issued, introspected, revoked,
    then inactive and refused at /me. Returns the access token."""
    client = session(auth, private_key)
    issued = client.fetch_token(TOKEN, grant_type="client_credentials")
    check(f"{what}: client_credentials issues a Bearer token", issued.get("token_type") == "Bearer" and issued.get("access_token"))
    accepted(auth)
    check(f"{what}: no refresh token (RFC 6749 §4.4.3)", "refresh_token" not in issued)
    access = issued["access_token"]
    status, body = me(access)
    check(f"{what}: /me knows the token", status == 200 and body == {"client_id": CLIENT, "sub": CLIENT})

    answer = client.introspect_token(INTROSPECT, token=access)
    check(f"{what}: introspection answers 200", answer.status_code == 200)
    accepted(auth)
    facts = answer.json()
    check(f"{what}: introspection says active, of keyed", facts.get("active") is True and facts.get("client_id") == CLIENT)

    answer = client.revoke_token(REVOKE, token=access, token_type_hint="access_token")
    check(f"{what}: revocation answers 200 (RFC 7009 §2.2)", answer.status_code == 200)
    accepted(auth)
    answer = client.introspect_token(INTROSPECT, token=access)
    check(f"{what}: introspection answers 200", answer.status_code == 200)
    accepted(auth)
    check(f"{what}: introspection says inactive after the revocation", answer.json() == {"active": False})
    status, _ = me(access)
    check(f"{what}: /me refuses the revoked token", status == 401)
    return access


if MODE == "lenient":
    auth = Recorded()
    whole_life(auth, rsa, "RS256, authlib's defaults")
    token_assertion, introspect_assertion, revoke_assertion, _ = auth.signed
    for assertion, url in [(token_assertion, TOKEN), (introspect_assertion, INTROSPECT), (revoke_assertion, REVOKE)]:
        claims = claims_of(assertion)
        check(f"authlib signed for {url}: aud is that URL", claims["aud"] == url)
        check("  iss and sub the client, exp = iat + 3600, a jti", claims["iss"] == claims["sub"] == CLIENT and claims["exp"] - claims["iat"] == 3600 and claims["jti"])
        check("  header: RS256, typ JWT", header_of(assertion) == {"alg": "RS256", "typ": "JWT"})
    jtis = {claims_of(a)["jti"] for a in auth.signed}
    check("every assertion has a jti of its own", len(jtis) == len(auth.signed))

    # A replayed assertion: the same bytes again, through authlib.
    refused_at_token_endpoint("replayed at the token endpoint", session(Replayed(token_assertion), rsa))
    fresh = Recorded()
    live = session(fresh, rsa).fetch_token(TOKEN, grant_type="client_credentials")["access_token"]
    accepted(fresh)
    replay = session(Replayed(revoke_assertion), rsa)
    invalid_client("replayed at the revocation endpoint", replay.revoke_token(REVOKE, token=live))
    invalid_client("replayed at the introspection endpoint", session(Replayed(introspect_assertion), rsa).introspect_token(INTROSPECT, token=live))
    status, _ = me(live)
    check("the replayed revocation revoked nothing: the token still works at /me", status == 200)
    answer = session(fresh, rsa).introspect_token(INTROSPECT, token=live)
    accepted(fresh)
    check("and introspection still says active", answer.status_code == 200 and answer.json().get("active") is True)

    # The other key families, each through authlib.
    for alg, private_key in [("PS256", rsa), ("ES256", key("ec.pem", ECKey)), ("EdDSA", key("ed25519.pem", OKPKey))]:
        whole_life(Recorded(alg=alg), private_key, alg)

    # authlib told the audience: the issuer, accepted here too.
    whole_life(Recorded(token_endpoint=ISSUER), rsa, "aud the issuer")

    # PrivateKeyJWT(claims=...) puts the jti it draws into that very dict
    # (authlib 1.9's _sign), so every later assertion of the instance
    # repeats it: the demo must refuse each repeat, as a replay.
    with_claims = Recorded(claims={"purpose": "demo"})
    client = session(with_claims, rsa)
    client.fetch_token(TOKEN, grant_type="client_credentials")
    accepted(with_claims)
    try:
        client.fetch_token(TOKEN, grant_type="client_credentials")
        repeated = claims_of(with_claims.signed[0])["jti"] == claims_of(with_claims.signed[1])["jti"]
        check("claims=: a second assertion with a jti of its own is accepted", not repeated)
        accepted(with_claims)
    except OAuthError as error:
        repeated = claims_of(with_claims.signed[0])["jti"] == claims_of(with_claims.signed[1])["jti"]
        check("claims=: authlib repeated the jti, refused as a replay (invalid_client)", repeated and error.error == "invalid_client")

    # A key keyed never registered.
    refused_at_token_endpoint("an assertion signed with another key", session(Recorded(alg="EdDSA"), key("ed25519-other.pem", OKPKey)))
elif MODE == "strict":
    default = Recorded()
    refused_at_token_endpoint("strict: authlib's default (aud the token endpoint, typ JWT)", session(default, rsa))
    check("  its aud was the token endpoint", claims_of(default.signed[-1])["aud"] == TOKEN)
    typed = Recorded(headers={"typ": STRICT_TYP})
    refused_at_token_endpoint("strict: aud the token endpoint, typ client-authentication+jwt", session(typed, rsa))
    untyped = Recorded(token_endpoint=ISSUER)
    refused_at_token_endpoint("strict: aud the issuer, typ JWT", session(untyped, rsa))
    check("  its aud was the issuer", claims_of(untyped.signed[-1])["aud"] == ISSUER)
    # What rfc7523bis asks for, which authlib sends when told both.
    auth = Recorded(token_endpoint=ISSUER, headers={"typ": STRICT_TYP})
    whole_life(auth, rsa, "strict: aud the issuer, typ client-authentication+jwt")
    check("  every assertion named the issuer alone", all(claims_of(a)["aud"] == ISSUER for a in auth.signed))
    check("  header: typ client-authentication+jwt", header_of(auth.signed[0]).get("typ") == STRICT_TYP)
    # A revocation at the revocation endpoint's own URL, refused in strict mode.
    live = session(auth, rsa).fetch_token(TOKEN, grant_type="client_credentials")["access_token"]
    accepted(auth)
    at_endpoint = session(Recorded(headers={"typ": STRICT_TYP}), rsa)
    invalid_client("strict: aud the revocation endpoint", at_endpoint.revoke_token(REVOKE, token=live))
    status, _ = me(live)
    check("  nothing was revoked: the token still works at /me", status == 200)
    refused_at_token_endpoint("strict: replayed", session(Replayed(auth.signed[-1]), rsa))
else:
    sys.exit(f"unknown mode {MODE!r}: lenient or strict")

for client, jti in ACCEPTED:
    print(f"accepted jti: {client} {jti}")
print(f"authlib private_key_jwt ({MODE}): every step as specified")
