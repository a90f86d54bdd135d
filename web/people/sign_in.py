"""A trust's sign-in settings page: its Microsoft or Google accounts (OpenID Connect)."""

from __future__ import annotations

from dataclasses import asdict

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, StringField

from service.errors import InvalidInput
from service.models import SignInProvider, Trust
from service.people import sign_in as sign_in_settings
from service.people.sign_in import (
    GOOGLE_METADATA_URL,
    MICROSOFT_METADATA_URL,
    Preset,
    SignInSettings,
)
from web.auditing import request_ip
from web.auth.oidc import callback_url
from web.errors import wants_json
from web.forms import choices, form_errors, labelled, refused
from web.resources import db


class SignInForm(FlaskForm):
    """A trust's provider, its client's details, and who may sign in with it."""

    preset = RadioField(
        "Your trust's accounts",
        choices=choices(labelled(Preset)),
        default=Preset.MICROSOFT.value,
        validate_choice=False,  # the use case refuses an unknown value in plain words
    )
    tenant = StringField("Microsoft tenant ID")
    metadata_url = StringField("Discovery document address (another provider only)")
    label = StringField("Name on the sign-in button (optional for Microsoft and Google)")
    client_id = StringField("Client ID (application ID)")
    client_secret = PasswordField("Client secret")
    allowed_domains = StringField("Email domains that may sign in")
    enabled = BooleanField("People may sign in this way", default=True)

    def values(self) -> SignInSettings:
        """Return the settings as typed, for the use case to judge."""
        return SignInSettings(
            preset=self.preset.data or "",
            client_id=self.client_id.data or "",
            client_secret=self.client_secret.data or "",
            allowed_domains=self.allowed_domains.data or "",
            enabled=bool(self.enabled.data),
            tenant=self.tenant.data or "",
            metadata_url=self.metadata_url.data or "",
            label=self.label.data or "",
        )


def _page(trust: Trust, provider: SignInProvider | None, form: SignInForm, error: str = ""):
    return render_template(
        "people/sign_in.html",
        trust=trust,
        provider=provider,
        form=form,
        error=error,
        callback=callback_url(provider.id) if provider is not None else None,
        microsoft_url=MICROSOFT_METADATA_URL.format(tenant="<tenant ID>"),
        google_url=GOOGLE_METADATA_URL,
    )


def sign_in(trust_id: int) -> ResponseReturnValue:
    """Show the trust's sign-in settings, or save what the form sends."""
    trust = sign_in_settings.sign_in_trust(db(), current_user, trust_id)
    provider = sign_in_settings.trust_provider(db(), current_user, trust_id)
    if request.method == "GET":
        form = SignInForm(data=asdict(sign_in_settings.settings_of(provider)))
        return _page(trust, provider, form)
    form = SignInForm()
    try:
        if not form.validate():
            raise InvalidInput(form_errors(form))
        provider = sign_in_settings.save_settings(
            db(), current_user, trust_id, form.values(), ip=request_ip()
        )
    except InvalidInput as exc:
        return refused(exc.message, lambda message: _page(trust, provider, form, message))
    if wants_json():
        return jsonify(
            provider={
                "id": provider.id,
                "label": provider.label,
                "enabled": provider.enabled,
                "allowed_domains": sign_in_settings.domain_list(provider),
            }
        )
    flash("Sign-in settings saved.", "info")
    return redirect(url_for("people.sign_in", trust_id=trust_id))
