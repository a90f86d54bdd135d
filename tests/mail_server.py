"""A real SMTP server for the mail tests (aiosmtpd), keeping every message it receives."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.ports import free_port

USER, PASSWORD = "coachreel", "mail-password"


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed email."""

    mail_from: str
    rcpt_tos: list[str]
    email: EmailMessage

    @property
    def text(self) -> str:
        return self.email.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.email.get_body(preferencelist=("html",)).get_content()


@dataclass
class MailServer:
    """The running server: its address, what it received, and who logged in."""

    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def url_with_login(self) -> str:
        return f"smtp://{USER}:{PASSWORD}@{self.host}:{self.port}"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it so
        email = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), email))
        self.arrived.set()
        return "250 Message accepted for delivery"


def _authenticate(server: MailServer):
    def check(_server, _session, _envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (USER, PASSWORD)
        if ok:
            server.logins.append(USER)
        return AuthResult(success=ok)

    return check


def serve() -> Iterator[MailServer]:
    """Run an SMTP server on a free port of 127.0.0.1 (login accepted without TLS) until
    resumed: a test module's ``mail_server`` fixture yields from it."""
    server = MailServer("127.0.0.1", free_port())
    controller = Controller(
        server,
        hostname=server.host,
        port=server.port,
        authenticator=_authenticate(server),
        auth_require_tls=False,
    )
    controller.start()
    yield server
    controller.stop()
