"""A trust's sign-in with its Microsoft or Google accounts (OpenID Connect): the settings its
coordinators keep, and who a signed-in account is.

A trust has at most one provider (its Microsoft Entra tenant or Google Workspace). Nobody is
created by signing in: the account's verified email must belong to a person already on the
roster of one of the trust's schools (or the trust itself), from a domain the trust allows.
The web layer (web.auth.oidc) talks to the provider; this module only judges what it said.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import AuditAction, Membership, School, SignInProvider, Trust, User

log = logging.getLogger(__name__)

GOOGLE_METADATA_URL = "https://accounts.google.com/.well-known/openid-configuration"
MICROSOFT_METADATA_URL = (
    "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"
)
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
# A Microsoft Entra tenant's own issuer: its tenant id, a GUID. The multi-tenant documents
# ("common", "organizations") name "{tenantid}" instead, and any tenant's accounts pass them.
_GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ENTRA_ISSUER = re.compile(rf"https://login\.microsoftonline\.com/{_GUID}/v2\.0")
_MICROSOFT_URL = re.compile(
    r"https://login\.microsoftonline\.com/([^/]+)/v2\.0/\.well-known/openid-configuration"
)
_SHARED_TENANTS = {"common", "organizations", "consumers"}
_DOMAIN = re.compile(
    r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}"
)
_LOCAL_HOSTS = {"localhost", "127.0.0.1"}  # a provider run on this machine (tests)
MAX_LABEL = 60


class Preset(enum.StrEnum):
    """Which kind of provider a trust signs in with."""

    MICROSOFT = "microsoft"
    GOOGLE = "google"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "microsoft": "Microsoft (Entra ID, Microsoft 365 accounts)",
            "google": "Google (Google Workspace accounts)",
            "other": "Another OpenID Connect provider",
        }[self.value]


_DEFAULT_LABELS = {Preset.MICROSOFT: "Microsoft", Preset.GOOGLE: "Google"}


@dataclass(frozen=True)
class SignInSettings:
    """What a coordinator sets for the trust's sign-in, as typed."""

    preset: str
    client_id: str
    client_secret: str  # blank: keep the one saved
    allowed_domains: str  # comma or space separated
    enabled: bool = True
    tenant: str = ""  # Microsoft: the tenant's id (or its domain)
    metadata_url: str = ""  # another provider: its discovery document
    label: str = ""  # the name on the button; blank: Microsoft or Google


# --- the settings -----------------------------------------------------------------------------


def sign_in_trust(session: Session, user: User, trust_id: int) -> Trust:
    """Return a trust whose sign-in settings the user keeps: its coordinators and admins."""
    if not policy.can_manage_schools(user):
        raise Forbidden("Only a trust's induction coordinators and admins set how people sign in.")
    trust = session.get(Trust, trust_id)
    if trust is None or trust_id not in policy.managed_trust_ids(session, user):
        raise NotFound("We could not find that trust.")
    return trust


def trust_provider(session: Session, user: User, trust_id: int) -> SignInProvider | None:
    """Return the trust's provider, if it has one, for its settings page."""
    sign_in_trust(session, user, trust_id)
    return session.scalar(select(SignInProvider).where(SignInProvider.trust_id == trust_id))


def settings_of(provider: SignInProvider | None) -> SignInSettings:
    """Return a provider's settings as the form shows them (never its secret)."""
    if provider is None:
        return SignInSettings(Preset.MICROSOFT.value, "", "", "")
    preset, tenant, url, label = Preset.OTHER, "", provider.metadata_url, provider.label
    found = _MICROSOFT_URL.fullmatch(provider.metadata_url)
    if found is not None:
        preset, tenant, url = Preset.MICROSOFT, found.group(1), ""
    elif provider.metadata_url == GOOGLE_METADATA_URL:
        preset, url = Preset.GOOGLE, ""
    if label == _DEFAULT_LABELS.get(preset):
        label = ""  # the preset's own name: left blank, it follows a change of preset
    return SignInSettings(
        preset=preset.value,
        client_id=provider.client_id,
        client_secret="",
        allowed_domains=", ".join(domain_list(provider)),
        enabled=provider.enabled,
        tenant=tenant,
        metadata_url=url,
        label=label,
    )


def domain_list(provider: SignInProvider) -> list[str]:
    """Return the email domains a provider lets sign in."""
    return [d for d in provider.allowed_domains.split(",") if d]


def parse_domains(text: str) -> list[str]:
    """Read allowed email domains typed with commas or spaces: lower-cased, each checked."""
    domains: list[str] = []
    for word in re.split(r"[\s,;]+", text.strip().lower()):
        domain = word.removeprefix("@").rstrip(".")
        if not domain:
            continue
        if not _DOMAIN.fullmatch(domain):
            raise InvalidInput(
                f"“{word}” is not an email domain. Please give domains like northfield.sch.uk, "
                "separated by commas."
            )
        if domain not in domains:
            domains.append(domain)
    if not domains:
        raise InvalidInput(
            "Please give at least one email domain whose accounts may sign in, e.g. "
            "northfield.sch.uk."
        )
    return domains


def _metadata_url(wanted: SignInSettings) -> tuple[str, str]:
    """Return the discovery document's address and the button's name for what was chosen."""
    label = " ".join(wanted.label.split())
    if wanted.preset == Preset.MICROSOFT:
        tenant = wanted.tenant.strip().lower()
        if tenant in _SHARED_TENANTS:
            raise InvalidInput(
                f"“{tenant}” lets any organisation's accounts in. Please give your trust's own "
                "tenant ID, from the Overview page of Microsoft Entra ID."
            )
        if not (re.fullmatch(_GUID, tenant) or _DOMAIN.fullmatch(tenant)):
            raise InvalidInput(
                "Please give your trust's Microsoft tenant ID (like "
                "1b2c3d4e-0000-4000-8000-123456789abc), from the Overview page of Microsoft "
                "Entra ID."
            )
        return MICROSOFT_METADATA_URL.format(tenant=tenant), label or _DEFAULT_LABELS[
            Preset.MICROSOFT
        ]
    if wanted.preset == Preset.GOOGLE:
        return GOOGLE_METADATA_URL, label or _DEFAULT_LABELS[Preset.GOOGLE]
    if wanted.preset != Preset.OTHER:
        raise InvalidInput("Please choose Microsoft, Google or another provider from the list.")
    url = wanted.metadata_url.strip()
    parts = urlsplit(url)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS)
    if not (secure and parts.hostname and url.endswith(DISCOVERY_SUFFIX)) or len(url) > 500:
        raise InvalidInput(
            "Please give the provider's discovery document: an https:// address ending in "
            f"{DISCOVERY_SUFFIX}."
        )
    if not label:
        raise InvalidInput("Please give the name for the sign-in button, e.g. Okta.")
    return url, label


def save_settings(
    session: Session, user: User, trust_id: int, wanted: SignInSettings, *, ip: str = ""
) -> SignInProvider:
    """Set the trust's sign-in provider; audit what changed (never the secret itself)."""
    trust = sign_in_trust(session, user, trust_id)
    provider = session.scalar(select(SignInProvider).where(SignInProvider.trust_id == trust_id))
    url, label = _metadata_url(wanted)
    if len(label) > MAX_LABEL:
        raise InvalidInput(f"Please keep the button's name under {MAX_LABEL} characters.")
    client_id = wanted.client_id.strip()
    if not client_id or len(client_id) > 300:
        raise InvalidInput(
            "Please give the client ID (the application ID) the provider gave Coachreel."
        )
    secret = wanted.client_secret.strip()
    if len(secret) > 500:
        raise InvalidInput("That client secret is too long. Please copy it again.")
    if provider is None and not secret:
        raise InvalidInput("Please give the client secret the provider gave Coachreel.")
    domains = ",".join(parse_domains(wanted.allowed_domains))
    new = {
        "label": label,
        "metadata_url": url,
        "client_id": client_id,
        "allowed_domains": domains,
        "enabled": wanted.enabled,
    }
    if provider is None:
        provider = SignInProvider(trust_id=trust_id, client_secret=secret, **new)
        session.add(provider)
        changes = [f"{label} sign-in added ({'on' if wanted.enabled else 'off'})"]
    else:
        changes = [
            f"{name.replace('_', ' ')}: {_shown(getattr(provider, name))} -> {_shown(value)}"
            for name, value in new.items()
            if getattr(provider, name) != value
        ]
        if secret and secret != provider.client_secret:
            changes.append("client secret replaced")
            provider.client_secret = secret
        for name, value in new.items():
            setattr(provider, name, value)
    if changes:
        detail = f"{trust.name}: " + "; ".join(changes)
        auditlog.record(session, user, AuditAction.SIGN_IN_SETTINGS, detail=detail, ip=ip)
        log.info("sign-in of trust %s changed by user %s: %s", trust.id, user.id, detail)
    session.commit()
    return provider


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


# --- signing in -------------------------------------------------------------------------------


def enabled_providers(session: Session) -> list[SignInProvider]:
    """List the providers people may sign in with, for the sign-in page's buttons."""
    query = (
        select(SignInProvider)
        .join(Trust, Trust.id == SignInProvider.trust_id)
        .where(SignInProvider.enabled.is_(True))
        .order_by(Trust.name, SignInProvider.id)
    )
    return list(session.scalars(query))


def provider_for_sign_in(session: Session, provider_id: int) -> SignInProvider:
    """Return an enabled provider to sign in with; an unknown or switched-off one is 404."""
    provider = session.get(SignInProvider, provider_id)
    if provider is None or not provider.enabled:
        raise NotFound(
            "This way of signing in is not available. Please sign in with your email and "
            "password, or ask your coordinator."
        )
    return provider


def trust_name(session: Session, provider: SignInProvider) -> str:
    """Return the name of the provider's trust."""
    trust = session.get(Trust, provider.trust_id)
    return trust.name if trust is not None else ""


def _is_true(value: object) -> bool:
    # Some providers send the claim as the string "true".
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _verified_email(provider: SignInProvider, claims: Mapping[str, object], issuer: str) -> str:
    """Return the account's email, if the provider vouches for it."""
    email = claims.get("email")
    if isinstance(email, str) and email and _is_true(claims.get("email_verified")):
        return email
    # Microsoft Entra's v2 ID tokens carry no email_verified. Their email (or, without one,
    # preferred_username, the account's sign-in name) is taken only from the trust's own
    # tenant: the issuer is a tenant-specific Entra issuer (never "common"), the ID token's
    # iss is that issuer (the discovery document's, which Authlib also checked), and the
    # domain is one the trust allows (checked next). Accounts in the tenant are made by the
    # trust's own IT staff; from a multi-tenant issuer anyone could set any email. A token
    # that does say email_verified is taken at its word, false included.
    token_issuer = claims.get("iss")
    if ENTRA_ISSUER.fullmatch(issuer) and token_issuer == issuer and "email_verified" not in claims:
        for name in ("email", "preferred_username"):
            value = claims.get(name)
            if isinstance(value, str) and "@" in value:
                return value
    if not email:
        raise Forbidden(
            f"Your {provider.label} account did not give us an email address. Please sign in "
            "with your email and password, or ask your coordinator to check the sign-in settings."
        )
    raise Forbidden(
        "That account's email is not verified. Please verify it with "
        f"{provider.label}, or sign in with your email and password."
    )


def match_identity(
    session: Session, provider: SignInProvider, claims: Mapping[str, object], *, issuer: str = ""
) -> User:
    """Return the person on the roster that a signed-in account is, or refuse in words.

    ``claims`` are the ID token's, already checked (signature, audience, nonce); ``issuer``
    is the one the provider's discovery document names.
    """
    if not provider.enabled:
        raise NotFound("This way of signing in is not available.")
    email = _verified_email(provider, claims, issuer).strip().lower()
    domain = email.rpartition("@")[2]
    trust = session.get(Trust, provider.trust_id)
    trust_label = trust.name if trust is not None else "this trust"
    if domain not in domain_list(provider):
        raise Forbidden(
            f"Accounts from {domain} cannot sign in to {trust_label}. Please use your school "
            "account, or sign in with your email and password."
        )
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None or not _on_roster(session, user, provider.trust_id):
        log.info("sign-in with provider %s refused: %s is not on the roster", provider.id, domain)
        raise Forbidden(
            "No one with this email is on the roster: ask your coordinator to add you, or to "
            "check the email they gave."
        )
    if not user.active:
        raise Forbidden(
            "This account has been deactivated. Please ask your coordinator if you think "
            "this is wrong."
        )
    log.info("user %s signed in with provider %s", user.id, provider.id)
    return user


def _on_roster(session: Session, user: User, trust_id: int) -> bool:
    """Say whether the user has a role in one of the trust's schools or in the trust."""
    schools = select(School.id).where(School.trust_id == trust_id)
    found = session.scalar(
        select(Membership.id)
        .where(
            Membership.user_id == user.id,
            or_(Membership.school_id.in_(schools), Membership.trust_id == trust_id),
        )
        .limit(1)
    )
    return found is not None
