"""The shared TLS contexts of dondoc.reminders.smtp_tls against a real STARTTLS server (aiosmtpd on
loopback, a self-signed certificate made for the test): a digest still goes out encrypted when the
contact says ``verify=no``, is refused when certificates are checked, and a plain relay needs no
context at all."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from dondoc.orchestration.stack import free_port
from dondoc.reminders import notify, smtp_tls


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bool]] = []  # (recipients, arrived over TLS)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), session.ssl is not None))
        return "250 OK"


def _certificate(folder: Path) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256())
    )  # fmt: skip
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


@pytest.fixture
def starttls(tmp_path: Path) -> Iterator[tuple[int, Inbox]]:
    port, inbox = free_port(), Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=_certificate(tmp_path), require_starttls=True)
    controller.start()
    yield port, inbox
    controller.stop()


def _send(url: str) -> notify.Outcome:
    return notify.send(url, title="[dondoc] Nhắc việc", body="<p>Nhiệm vụ 1.k — hạn 05/12/2023</p>", html=True)


def test_starttls_with_verify_off_is_delivered_encrypted(starttls: tuple[int, Inbox]) -> None:
    port, inbox = starttls
    for n in range(3):  # the second and third connections reuse the first one's context
        outcome = _send(f"mailto://127.0.0.1:{port}?from=d@demo.gov.vn&to=a{n}@demo.gov.vn&mode=starttls&verify=no")
        assert outcome.ok, outcome.error
    assert inbox.messages == [([f"a{n}@demo.gov.vn"], True) for n in range(3)]


def test_starttls_with_verify_on_refuses_an_untrusted_certificate(starttls: tuple[int, Inbox]) -> None:
    port, inbox = starttls
    _send(f"mailto://127.0.0.1:{port}?from=d@demo.gov.vn&to=a@demo.gov.vn&mode=starttls&verify=no")  # a lax context exists now
    outcome = _send(f"mailto://127.0.0.1:{port}?from=d@demo.gov.vn&to=b@demo.gov.vn&mode=starttls&verify=yes")
    assert not outcome.ok
    assert [rcpts for rcpts, _tls in inbox.messages] == [["a@demo.gov.vn"]]


def test_contexts_keep_the_checks_they_were_made_with() -> None:
    strict = smtp_tls.context_for(True, ssl.CERT_REQUIRED)
    lax = smtp_tls.context_for(False, ssl.CERT_NONE)
    assert (strict.check_hostname, strict.verify_mode) == (True, ssl.CERT_REQUIRED)
    assert (lax.check_hostname, lax.verify_mode) == (False, ssl.CERT_NONE)
    assert smtp_tls.context_for(True, ssl.CERT_REQUIRED) is strict
    lazy = smtp_tls.LazyContext()
    with pytest.raises(AttributeError):
        lazy.minimum_version = ssl.TLSVersion.TLSv1_3  # type: ignore[attr-defined]  # not silently ignored


def test_a_plain_relay_makes_no_context() -> None:
    from apprise.plugins.email import smtp

    assert isinstance(smtp.ssl.create_default_context(), smtp_tls.LazyContext)
