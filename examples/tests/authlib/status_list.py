"""An independent decoder of a Status List Token (draft-ietf-oauth-status-list-20),
in Python with requests and authlib: no code of tower-revoke's.

Usage: python status_list.py URL [SECRET]
URL is the list's `uri` (the `status_list.uri` of a Referenced Token);
SECRET the HS256 secret the issuer signs with (default: the variable
TOWER_REVOKE_JWT_HS256_SECRET, as the demo reads it).

It fetches URL with `Accept: application/statuslist+jwt` (§8.1), and checks:
- the answer is 200 with `Content-Type: application/statuslist+jwt` (§8.2);
- the JWT's HS256 signature, with authlib.jose (alg HS256 only), and its
  header `typ` is `statuslist+jwt` (§5.1);
- its claims (§5.1): `sub` equal to URL, `iat` present, `exp` after now,
  `ttl` a positive number, `status_list` with `bits` 1, 2, 4 or 8 and `lst`;
- `lst` is base64url (no padding, §4.2) of a ZLIB stream (§4.1 step 4),
  decompressed within 16 MiB (§11.1: a bounded decoder).

Then it prints one line of JSON:
  {"bits": 1, "len": N, "invalid": [IDX, ...], "ttl": TTL, "etag": ETAG}
`len` the number of statuses the list holds, `invalid` the indices whose
status is 0x01 INVALID (§7.1), ascending, `etag` the answer's `ETag` (null
without one). Statuses are packed from the least significant bit of each
byte (§4.1 step 3); before anything else the decoder reads the draft's own
two examples of §4.1 and stops if it does not get the draft's statuses.
A status other than VALID or INVALID stops it too: the demo publishes none.

Exits 0 after printing the line; 1 with the reason on stderr when any check
fails (a wrong secret among them).
"""

import base64
import json
import os
import sys
import time
import warnings
import zlib

import requests

# authlib.jose warns, on import, that joserfc succeeds it (authlib.deprecate
# turns its warnings on when imported): it still verifies JWS as it did,
# and this decoder is meant to use authlib's. The warning is silenced for
# this import only.
from authlib.deprecate import AuthlibDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.jose import JsonWebToken
    from authlib.jose.errors import JoseError

MEDIA_TYPE = "application/statuslist+jwt"
MAX_LIST_BYTES = 16 << 20
VALID, INVALID = 0, 1


def fail(why):
    print("status_list.py: " + why, file=sys.stderr)
    sys.exit(1)


def statuses(raw, bits):
    """Every status of the byte array `raw` of `bits`-bit statuses, by index:
    status i is bits [i*bits, (i+1)*bits) counted from the least significant
    bit of byte 0 (§4.1 step 3)."""
    per_byte = 8 // bits
    mask = (1 << bits) - 1
    return [(byte >> (k * bits)) & mask for byte in raw for k in range(per_byte)]


def decompress(compressed):
    inflater = zlib.decompressobj()
    raw = inflater.decompress(compressed, MAX_LIST_BYTES)
    if inflater.unconsumed_tail or not inflater.eof:
        fail("lst is not one complete ZLIB stream within %d bytes" % MAX_LIST_BYTES)
    return raw


def draft_examples_read_as_the_draft_says():
    one = statuses(decompress(bytes.fromhex("78dadbb918000217015d")), 1)
    if [i for i, s in enumerate(one) if s] != [0, 3, 4, 5, 7, 8, 9, 13, 15]:
        fail("the §4.1 example of bits 1 decodes to %r" % one)
    two = statuses(decompress(bytes.fromhex("78da3be9f2130003df0207")), 2)
    if two != [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]:
        fail("the §4.1 example of bits 2 decodes to %r" % two)


def main():
    if len(sys.argv) not in (2, 3):
        fail("usage: status_list.py URL [SECRET]")
    url = sys.argv[1]
    secret = sys.argv[2] if len(sys.argv) == 3 else os.environ.get("TOWER_REVOKE_JWT_HS256_SECRET")
    if not secret:
        fail("no secret: give it as the second argument or in TOWER_REVOKE_JWT_HS256_SECRET")
    draft_examples_read_as_the_draft_says()

    answer = requests.get(url, headers={"Accept": MEDIA_TYPE}, timeout=10, allow_redirects=False)
    if answer.status_code != 200:
        fail("GET %s: %d %r" % (url, answer.status_code, answer.text[:200]))
    content_type = answer.headers.get("Content-Type", "")
    if content_type.split(";")[0].strip().lower() != MEDIA_TYPE:
        fail("Content-Type %r, not %s" % (content_type, MEDIA_TYPE))

    try:
        claims = JsonWebToken(["HS256"]).decode(answer.content, secret.encode())
        claims.validate(now=int(time.time()))
    except JoseError as error:
        fail("the Status List Token does not verify: %s" % error)
    header = claims.header
    if header.get("typ") != "statuslist+jwt":
        fail("header typ %r, not statuslist+jwt" % header.get("typ"))
    if claims.get("sub") != url:
        fail("sub %r is not the URL %r" % (claims.get("sub"), url))
    if not isinstance(claims.get("iat"), int):
        fail("iat %r is not a number of seconds" % claims.get("iat"))
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= time.time():
        fail("exp %r is not in the future" % exp)
    ttl = claims.get("ttl")
    if not isinstance(ttl, (int, float)) or isinstance(ttl, bool) or ttl <= 0:
        fail("ttl %r is not a positive number" % ttl)

    status_list = claims.get("status_list")
    if not isinstance(status_list, dict):
        fail("no status_list object: %r" % status_list)
    bits, lst = status_list.get("bits"), status_list.get("lst")
    if bits not in (1, 2, 4, 8) or isinstance(bits, bool):
        fail("bits %r is not 1, 2, 4 or 8" % bits)
    if not isinstance(lst, str) or "=" in lst:
        fail("lst %r is not unpadded base64url" % lst)
    try:
        compressed = base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4))
    except ValueError as error:
        fail("lst is not base64url: %s" % error)
    listed = statuses(decompress(compressed), bits)
    unknown = sorted({s for s in listed if s not in (VALID, INVALID)})
    if unknown:
        fail("statuses other than VALID and INVALID: %r" % unknown)

    print(json.dumps({
        "bits": bits,
        "len": len(listed),
        "invalid": [i for i, s in enumerate(listed) if s == INVALID],
        "ttl": ttl,
        "etag": answer.headers.get("ETag"),
    }))


main()
