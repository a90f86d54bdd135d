"""A trust's sign-in with Microsoft or Google: its settings, and who a signed-in account is."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from service import accounts
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import AuditAction, AuditEvent, Role, School, SignInProvider, Trust, User
from service.people import sign_in
from service.people.sign_in import Preset, SignInSettings

TRUST_LEAD = "induction-lead@northfield-trust.example"
ADMIN = "admin@coachreel.example"
TENANT = "1b2c3d4e-0000-4000-8000-123456789abc"
ENTRA_ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"
SECRET = "s3cret-value-from-entra"
WANTED = SignInSettings(
    preset=Preset.MICROSOFT.value,
    tenant=TENANT,
    client_id="app-id-123",
    client_secret=SECRET,
    allowed_domains="northfield.example, riverside.example",
)


def person(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def trust_id(session) -> int:
    return session.scalar(select(Trust.id).where(Trust.name == "Northfield Learning Trust"))


def events(session) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == AuditAction.SIGN_IN_SETTINGS)
    return list(session.scalars(query.order_by(AuditEvent.id)))


@pytest.fixture
def microsoft(session, demo) -> SignInProvider:
    return sign_in.save_settings(session, person(session, TRUST_LEAD), trust_id(session), WANTED)


@pytest.fixture
def other_trust(session, demo) -> tuple[Trust, User]:
    """Another trust with a school, its coordinator, and an ECT there on a shared domain."""
    trust = Trust(name="Southbank Trust")
    school = School(name="Southbank Primary", trust=trust)
    session.add_all([trust, school])
    session.flush()
    lead = accounts.create_user(
        session, email="lead@southbank.example", name="Lead", password_hash="!",
        role=Role.COORDINATOR, trust_id=trust.id,
    )  # fmt: skip
    accounts.create_user(
        session, email="ect@northfield.example", name="Elsewhere", password_hash="!",
        role=Role.ECT, school_id=school.id,
    )  # fmt: skip
    session.commit()
    return trust, lead


# --- the settings -----------------------------------------------------------------------------


def test_a_trust_coordinator_sets_microsoft_sign_in_and_it_is_audited(session, microsoft):
    assert microsoft.label == "Microsoft"
    assert microsoft.metadata_url == (
        f"https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration"
    )
    assert microsoft.allowed_domains == "northfield.example,riverside.example"
    assert microsoft.client_secret == SECRET and microsoft.enabled
    [event] = events(session)
    assert event.actor_id == person(session, TRUST_LEAD).id
    assert "Northfield Learning Trust" in event.detail and "Microsoft sign-in added" in event.detail
    assert SECRET not in event.detail


def test_a_blank_secret_keeps_the_saved_one_and_a_new_one_replaces_it(session, microsoft):
    lead = person(session, TRUST_LEAD)
    kept = replace(WANTED, client_secret="", enabled=False)
    provider = sign_in.save_settings(session, lead, trust_id(session), kept)
    assert provider.client_secret == SECRET and not provider.enabled
    assert "enabled: on -> off" in events(session)[-1].detail
    provider = sign_in.save_settings(
        session, lead, trust_id(session), replace(WANTED, client_secret="new-secret")
    )
    assert provider.client_secret == "new-secret"
    detail = events(session)[-1].detail
    assert (
        "client secret replaced" in detail and "new-secret" not in detail and SECRET not in detail
    )
    # The form shows everything but the secret.
    shown = sign_in.settings_of(provider)
    assert shown == replace(
        WANTED, client_secret="", allowed_domains=shown.allowed_domains, label=""
    )
    assert shown.allowed_domains == "northfield.example, riverside.example"


def test_the_buttons_name_follows_a_change_of_preset(session, microsoft):
    shown = sign_in.settings_of(microsoft)
    assert shown.label == ""  # Microsoft's own name is not fixed in the form
    google = replace(shown, preset="google", tenant="")
    provider = sign_in.save_settings(
        session, person(session, TRUST_LEAD), trust_id(session), google
    )
    assert provider.label == "Google" and provider.client_secret == SECRET


def test_saving_nothing_new_records_nothing(session, microsoft):
    sign_in.save_settings(
        session, person(session, TRUST_LEAD), trust_id(session), replace(WANTED, client_secret="")
    )
    assert len(events(session)) == 1


def test_a_first_save_needs_a_secret(session, demo):
    with pytest.raises(InvalidInput, match="client secret"):
        sign_in.save_settings(
            session, person(session, ADMIN), trust_id(session), replace(WANTED, client_secret="")
        )


@pytest.mark.parametrize(
    "email",
    ["coordinator@northfield.example", "ect1@northfield.example", "mentor1@northfield.example"],
)
def test_only_the_trusts_coordinators_and_admins_keep_its_settings(session, demo, email):
    with pytest.raises(Forbidden):
        sign_in.save_settings(session, person(session, email), trust_id(session), WANTED)
    assert sign_in.trust_provider(session, person(session, ADMIN), trust_id(session)) is None


def test_another_trusts_coordinator_is_told_the_trust_does_not_exist(session, other_trust):
    _trust, lead = other_trust
    with pytest.raises(NotFound):
        sign_in.trust_provider(session, lead, trust_id(session))


def test_domains_are_read_with_commas_or_spaces_lower_cased_and_checked():
    assert sign_in.parse_domains(" Northfield.Example, @riverside.sch.uk  northfield.example;") == [
        "northfield.example",
        "riverside.sch.uk",
    ]
    for bad in ("jo@northfield.example", "northfield", "not a domain!", "-x.example", ""):
        with pytest.raises(InvalidInput):
            sign_in.parse_domains(bad)


@pytest.mark.parametrize(
    ("wanted", "url", "label"),
    [
        (replace(WANTED, preset="google", tenant=""), sign_in.GOOGLE_METADATA_URL, "Google"),
        (
            replace(WANTED, tenant="Northfield.onmicrosoft.com", label="Office 365"),
            "https://login.microsoftonline.com/northfield.onmicrosoft.com/v2.0/"
            ".well-known/openid-configuration",
            "Office 365",
        ),
        (
            replace(
                WANTED, preset="other", label="Local",
                metadata_url="http://127.0.0.1:8080/.well-known/openid-configuration",
            ),
            "http://127.0.0.1:8080/.well-known/openid-configuration",
            "Local",
        ),
    ],
)  # fmt: skip
def test_presets_and_other_providers(session, demo, wanted, url, label):
    provider = sign_in.save_settings(session, person(session, ADMIN), trust_id(session), wanted)
    assert (provider.metadata_url, provider.label) == (url, label)
    assert sign_in.settings_of(provider).preset == wanted.preset


@pytest.mark.parametrize(
    ("wanted", "words"),
    [
        (replace(WANTED, tenant="common"), "your trust's own tenant ID"),
        (replace(WANTED, tenant="not a tenant"), "tenant ID"),
        (replace(WANTED, preset="facebook"), "Microsoft, Google or another"),
        (
            replace(
                WANTED,
                preset="other",
                label="X",
                metadata_url="http://idp.example/.well-known/openid-configuration",
            ),
            "https://",
        ),
        (
            replace(WANTED, preset="other", label="X", metadata_url="https://idp.example/login"),
            "/.well-known/openid-configuration",
        ),
        (
            replace(
                WANTED,
                preset="other",
                metadata_url="https://idp.example/.well-known/openid-configuration",
            ),
            "name for the sign-in button",
        ),
        (replace(WANTED, client_id=" "), "client ID"),
        (replace(WANTED, allowed_domains=" , "), "at least one email domain"),
    ],
)
def test_settings_refused_in_words(session, demo, wanted, words):
    with pytest.raises(InvalidInput, match=words):
        sign_in.save_settings(session, person(session, ADMIN), trust_id(session), wanted)


# --- who a signed-in account is ---------------------------------------------------------------


@pytest.fixture
def google(session, demo) -> SignInProvider:
    domains = "northfield.example northfield-trust.example"
    wanted = replace(WANTED, preset="google", tenant="", allowed_domains=domains)
    return sign_in.save_settings(session, person(session, ADMIN), trust_id(session), wanted)


def verified(email: str) -> dict[str, object]:
    return {"iss": "https://accounts.google.com", "email": email, "email_verified": True}


def test_a_verified_email_on_the_roster_signs_in(session, google):
    user = sign_in.match_identity(session, google, verified("ECT1@Northfield.example"))
    assert user.email == "ect1@northfield.example"
    # A trust coordinator's role is in the trust itself, not one of its schools.
    lead = sign_in.match_identity(session, google, verified(TRUST_LEAD))
    assert lead.email == TRUST_LEAD


def test_an_email_the_provider_has_not_verified_is_refused(session, google):
    for claims in (
        {"email": "ect1@northfield.example"},
        {"email": "ect1@northfield.example", "email_verified": False},
        {"email": "ect1@northfield.example", "email_verified": "false"},
    ):
        with pytest.raises(Forbidden, match="That account's email is not verified"):
            sign_in.match_identity(session, google, claims)
    with pytest.raises(Forbidden, match="did not give us an email address"):
        sign_in.match_identity(session, google, {"sub": "x"})


def test_another_domain_is_refused_by_name(session, google):
    with pytest.raises(
        Forbidden,
        match="Accounts from riverside.example cannot sign in to Northfield Learning Trust",
    ):
        sign_in.match_identity(session, google, verified("ect1@riverside.example"))


def test_nobody_is_made_from_an_unknown_email(session, google):
    with pytest.raises(
        Forbidden, match="No one with this email is on the roster: ask your coordinator"
    ):
        sign_in.match_identity(session, google, verified("new.teacher@northfield.example"))
    assert person(session, "new.teacher@northfield.example") is None
    # An admin has no place on a trust's roster: admins sign in with their password.
    admin_domain = replace(WANTED, preset="google", tenant="", allowed_domains="coachreel.example")
    sign_in.save_settings(session, person(session, ADMIN), trust_id(session), admin_domain)
    with pytest.raises(Forbidden, match="No one with this email is on the roster"):
        sign_in.match_identity(session, google, verified(ADMIN))


def test_someone_on_another_trusts_roster_is_not_on_this_one(session, google, other_trust):
    with pytest.raises(Forbidden, match="No one with this email is on the roster"):
        sign_in.match_identity(session, google, verified("ect@northfield.example"))


def test_a_deactivated_person_is_refused(session, google):
    accounts.deactivate_user(session, person(session, "ect1@northfield.example").id)
    with pytest.raises(Forbidden, match="This account has been deactivated"):
        sign_in.match_identity(session, google, verified("ect1@northfield.example"))


def test_a_switched_off_provider_signs_nobody_in(session, google):
    google.enabled = False
    session.commit()
    with pytest.raises(NotFound):
        sign_in.match_identity(session, google, verified("ect1@northfield.example"))
    with pytest.raises(NotFound):
        sign_in.provider_for_sign_in(session, google.id)
    assert sign_in.enabled_providers(session) == []


# Microsoft Entra's ID tokens carry no email_verified: from the trust's own tenant, its email
# (or preferred_username) is taken when the domain is allowed.


def test_entra_tenant_email_without_email_verified_signs_in(session, microsoft):
    claims = {"iss": ENTRA_ISSUER, "tid": TENANT, "email": "ect1@northfield.example"}
    user = sign_in.match_identity(session, microsoft, claims, issuer=ENTRA_ISSUER)
    assert user.email == "ect1@northfield.example"
    upn = {"iss": ENTRA_ISSUER, "preferred_username": "Mentor1@northfield.example"}
    user = sign_in.match_identity(session, microsoft, upn, issuer=ENTRA_ISSUER)
    assert user.email == "mentor1@northfield.example"


def test_entra_email_is_not_taken_from_anywhere_else(session, microsoft):
    email = {"email": "ect1@northfield.example"}
    shared = "https://login.microsoftonline.com/{tenantid}/v2.0"  # the "common" document's
    other_tenant = "https://login.microsoftonline.com/9f8e7d6c-0000-4000-8000-123456789abc/v2.0"
    for claims, issuer in (
        ({**email, "iss": shared}, shared),  # multi-tenant: any organisation's accounts
        ({**email, "iss": other_tenant}, ENTRA_ISSUER),  # a token from another tenant
        ({**email, "iss": ENTRA_ISSUER}, ""),  # no discovery issuer to compare with
        ({**email, "iss": "https://accounts.google.com"}, "https://accounts.google.com"),
        ({**email, "iss": ENTRA_ISSUER, "email_verified": False}, ENTRA_ISSUER),
    ):
        with pytest.raises(Forbidden, match="That account's email is not verified"):
            sign_in.match_identity(session, microsoft, claims, issuer=issuer)
    # From the tenant, the domain must still be allowed.
    elsewhere = {"iss": ENTRA_ISSUER, "email": "ect1@gmail.example"}
    with pytest.raises(Forbidden, match="Accounts from gmail.example cannot sign in"):
        sign_in.match_identity(session, microsoft, elsewhere, issuer=ENTRA_ISSUER)
