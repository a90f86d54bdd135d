"""Onboarding people: the record of every email sent, and a trust's single sign-on."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, str_enum, utcnow


class MailStatus(enum.StrEnum):
    QUEUED = "queued"  # written, waiting for the mail job
    SENT = "sent"  # handed to the SMTP server (or written to the outbox folder)
    FAILED = "failed"  # every attempt failed; the reason is kept

    @property
    def label(self) -> str:
        return {"queued": "Waiting to be sent", "sent": "Sent", "failed": "Not sent"}[self.value]


class MailMessage(Base):
    """One email: who it went to, which template, when, and whether it was sent. The body is
    kept only until it is sent (it may hold a sign-in link); the record stays."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    template: Mapped[str] = mapped_column(String(40))  # "invitation", "password_reset", ...
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text, default="")
    html_body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MailStatus] = mapped_column(
        str_enum(MailStatus), default=MailStatus.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class SignInProvider(Base):
    """A trust's OpenID Connect sign-in (its Microsoft Entra or Google Workspace tenant): who
    signs in with it is matched by verified email to a person already on the roster."""

    __tablename__ = "sign_in_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("trusts.id"), unique=True)
    label: Mapped[str] = mapped_column(String(60))  # "Microsoft", "Google"
    # The provider's discovery document (…/.well-known/openid-configuration).
    metadata_url: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(300))
    client_secret: Mapped[str] = mapped_column(String(500))
    # Email domains allowed to sign in this way, comma-separated ("northfield.sch.uk").
    allowed_domains: Mapped[str] = mapped_column(String(500))
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AccessToken(Base):
    """A personal access token for the API: named by its person, read or read and write,
    revocable. Only a hash of the secret is kept; the token acts as its person under the
    access policy, and dies with their deactivation."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The secret's SHA-256, hex; the secret itself is shown once, when the token is made.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # the first characters, to recognise it
    can_write: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
