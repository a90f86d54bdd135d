"""The Flask web app: one factory, one blueprint per user-facing area."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Settings, load_settings
from web.extensions import csrf, login_manager


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web app from settings (read from the environment when not given)."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        # Room for the form fields beside the file; the file itself is checked exactly later.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        REMEMBER_COOKIE_SECURE=settings.production,
        # "Keep me signed in" carries the user's session token, so signing out, a password
        # change or deactivation revokes it too; it lasts REMEMBER_DAYS, not Flask-Login's year.
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=settings.remember_days * 24 * 3600,
        WTF_CSRF_TIME_LIMIT=None,
        TESTING=settings.testing,
    )
    app.extensions["coachreel.settings"] = settings
    if settings.proxy_hops:
        # Behind that many reverse proxies, take the client's address and scheme from the
        # X-Forwarded-For/-Proto headers they add (audit IPs, secure cookies, redirects). The
        # forwarded host is not trusted: proxies commonly pass a client's header through.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops
        )

    from web import resources

    resources.init_app(app, settings)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."

    from web import api
    from web.auth import throttle

    # Before the limiter and the error pages: a token is read before the API's limit counts it,
    # and the pages' error handlers replace flask-smorest's (the API answers its own).
    api.init_app(app)
    throttle.init_app(app, settings)

    from web import access, errors, request_log, security

    security.init_app(app, settings)
    request_log.init_app(app, settings)
    access.init_app(app)
    errors.init_app(app)

    from web.routing import IdConverter

    # Every <int:...> in a URL is an id: ASCII digits within an id's range, else 404. Set before
    # any blueprint is registered, as rules take their converter when they are added.
    app.url_map.converters["int"] = IdConverter

    # One blueprint per user-facing area, each built by its package (web/<area>/__init__.py).
    from web import (
        audit,
        auth,
        clips,
        coaching,
        induction,
        main,
        notify,
        people,
        privacy,
        retention,
        review,
        search,
        talk,
        uploads,
    )

    # Browsers ask for /favicon.ico whatever a page links (a video or JSON opened on its own,
    # say): it is one of the static files, answered by the static endpoint under its rule.
    app.add_url_rule("/favicon.ico", "static", defaults={"filename": "favicon.ico"})
    app.register_blueprint(main.blueprint())
    app.register_blueprint(auth.blueprint())
    app.register_blueprint(clips.blueprint())
    app.register_blueprint(search.blueprint())
    app.register_blueprint(coaching.blueprint())
    app.register_blueprint(review.blueprint())
    app.register_blueprint(audit.blueprint())
    app.register_blueprint(induction.blueprint())
    app.register_blueprint(uploads.blueprint())
    app.register_blueprint(retention.blueprint())
    app.register_blueprint(privacy.blueprint())
    app.register_blueprint(talk.blueprint())
    app.register_blueprint(people.blueprint())
    api.register(app)
    from web import tokens

    app.register_blueprint(tokens.blueprint())
    app.register_blueprint(notify.blueprint())
    notify.init_app(app)

    from web import admin

    admin.init_app(app, settings)
    app.register_blueprint(admin.blueprint())

    from web.formatting import register_filters

    register_filters(app)
    from service.models import Role

    app.jinja_env.globals["Role"] = Role
    return app
