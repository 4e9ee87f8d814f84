"""Portal link tokens: signed with itsdangerous, looked up by their SHA-256 (the token itself is never stored).

A token is the link's id signed with the server's secret (salted for this purpose), so the digest
builder can put a live link in an email without keeping the token anywhere; revoking or expiring
the row closes it. Tokens never reach a log: :func:`redact` removes them from request lines.
"""

from __future__ import annotations

import hashlib
import re

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "dondoc.portal.link"
OPEN_PATH = "/portal/open/"
_IN_PATH = re.compile(r"(/portal/open/)[^/?#\s\"]+")
_IN_QUERY = re.compile(r"([?&]token=)[^&#\s\"]*")


def sign(secret: str, link_id: int) -> str:
    return str(URLSafeSerializer(secret, salt=SALT).dumps(link_id))


def link_id_of(secret: str, token: str) -> int | None:
    """The link id a token was signed for; None for anything forged, truncated or signed with another secret."""
    try:
        value = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def redact(text: str) -> str:
    """A request line with every portal or calendar token replaced by ``***``."""
    return _IN_QUERY.sub(r"\1***", _IN_PATH.sub(r"\1***", text))
