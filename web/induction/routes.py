"""The induction audit pages: trust roll-up, school dashboard, charts, term dates, pairings'
cadence, evidence packs and logging observations. Every export writes an audit event."""

from __future__ import annotations

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import policy
from service.errors import InvalidInput
from service.induction import (
    cadence as induction_cadence,
    charts as induction_charts,
    dashboard as induction_dashboard,
    evidence as induction_evidence,
    export,
    observations,
    scope,
    trust as induction_trust,
)
from service.induction.terms import FORMAL_GRACE_DAYS, year_label
from service.models import TEACHERS_STANDARDS, AuditAction, ObservationKind
from web.auditing import audit
from web.errors import wants_json
from web.forms import choices, form_errors, optional_int, refused
from web.induction.forms import CadenceForm, ObservationForm, TermsForm
from web.resources import db


def _csv_response(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "school"


def _academic_year(raw: str | None) -> int | None:
    """Read the academic year asked for (its first calendar year): None when not given."""
    refuse = "Please choose an academic year between 2000 and 2100."
    year = optional_int(raw, refuse=refuse)
    if year is not None and not 2000 <= year <= 2100:
        raise InvalidInput(refuse)
    return year


def _exported_pack(ect_id: int, detail: str) -> induction_evidence.EvidencePack:
    """Return an ECT's evidence pack, recording that it was exported."""
    pack = induction_evidence.evidence_pack(db(), current_user, ect_id)
    audit(AuditAction.EXPORT, subject_id=ect_id, school_id=pack.school.id, detail=detail)
    return pack


# --- landing and roll-ups -----------------------------------------------------------------


def home() -> ResponseReturnValue:
    """Send a coordinator to their trust or school, or let them choose one."""
    where = scope.landing(db(), current_user)
    if where.url_kind == "trust":
        return redirect(url_for("induction.trust", trust_id=where.target_id))
    if where.url_kind == "school":
        return redirect(url_for("induction.school", school_id=where.target_id))
    return render_template("induction/home.html", trusts=where.trusts, schools=where.schools)


def trust(trust_id: int) -> ResponseReturnValue:
    """Show a trust's roll-up of its schools' induction."""
    view = induction_trust.trust_view(db(), current_user, trust_id)
    return render_template("induction/trust.html", view=view)


def school(school_id: int) -> ResponseReturnValue:
    """Show a school's induction dashboard, sorted as asked."""
    dashboard = induction_dashboard.school_dashboard(db(), current_user, school_id)
    rows, sort = induction_dashboard.sort_rows(dashboard.rows, request.args.get("sort"))
    return render_template(
        "induction/school.html",
        dashboard=dashboard,
        rows=rows,
        sort=sort,
        sorts=induction_dashboard.SORTS,
        grace_days=FORMAL_GRACE_DAYS,
        can_see_trust=dashboard.school.trust_id is not None
        and policy.can_audit_trust(current_user, dashboard.school.trust_id),
    )


def school_csv(school_id: int) -> ResponseReturnValue:
    """Export a school's induction dashboard as CSV."""
    dashboard = induction_dashboard.school_dashboard(db(), current_user, school_id)
    rows, _ = induction_dashboard.sort_rows(dashboard.rows, "name")
    text = export.to_csv(export.dashboard_csv_rows(rows))
    audit(AuditAction.EXPORT, school_id=school_id, detail="Induction dashboard (CSV)")
    filename = f"induction-{_slug(dashboard.school.name)}-{dashboard.today.isoformat()}.csv"
    return _csv_response(text, filename)


# --- charts ---------------------------------------------------------------------------------


def charts(school_id: int) -> ResponseReturnValue:
    """Show a school's induction charts for an academic year."""
    year = _academic_year(request.args.get("year"))
    data = induction_charts.charts(db(), current_user, school_id, academic_year=year)
    return render_template("induction/charts.html", charts=data, layout=_heat_layout(data))


def _heat_layout(data: induction_charts.Charts) -> dict[str, object]:
    """Sizes for the heatmap SVG, and where each half term's label goes."""
    cell_w, cell_h, label_w, top = 20, 24, 170, 46
    spans = []
    for index, week in enumerate(data.weeks):
        term = week.half_term
        if term is not None and (not spans or spans[-1]["number"] != term.number):
            spans.append({"number": term.number, "name": term.name, "first": index, "last": index})
        elif term is not None:
            spans[-1]["last"] = index
    return {
        "cell_w": cell_w,
        "cell_h": cell_h,
        "label_w": label_w,
        "top": top,
        "width": label_w + cell_w * len(data.weeks) + 60,
        "height": top + cell_h * max(len(data.heatmap), 1) + 10,
        "terms": spans,
        # The longest median fills the bar chart's width.
        "bar_max": max((m.median_hours or 0 for m in data.feedback), default=0) or 1,
    }


# --- term dates -----------------------------------------------------------------------------


def terms(school_id: int) -> ResponseReturnValue:
    """Show a school's half-term dates for a year, or save or reset them."""
    year = _academic_year(request.args.get("year") or request.form.get("year"))
    view = induction_cadence.terms_view(db(), current_user, school_id, year)
    form = TermsForm()

    def page(message: str | None = None) -> str:
        return render_template(
            "induction/terms.html", view=view, form=form, message=message, year_label=year_label
        )

    if not form.is_submitted():
        form.timezone.data = view.school.timezone
        for term in view.half_terms:
            getattr(form, f"start_{term.number}").data = term.starts_on
            getattr(form, f"end_{term.number}").data = term.ends_on
        return page()
    if request.form.get("action") == "reset":
        if not form.validate():  # the CSRF token
            return refused(form_errors(form), page)
        view = induction_cadence.reset_terms(db(), current_user, school_id, view.academic_year)
        flash(f"{year_label(view.academic_year)} follows the default calendar again.", "info")
        return redirect(url_for("induction.terms", school_id=school_id, year=view.academic_year))
    if not form.validate():
        return refused(form_errors(form), page)
    try:
        view = induction_cadence.save_terms(
            db(),
            current_user,
            school_id,
            view.academic_year,
            form.spans(),
            form.timezone.data or "",
        )
    except InvalidInput as exc:
        return refused(exc.message, page)
    if wants_json():
        return jsonify(
            academic_year=view.academic_year,
            timezone=view.school.timezone,
            half_terms=[
                {
                    "number": t.number,
                    "starts_on": t.starts_on.isoformat(),
                    "ends_on": t.ends_on.isoformat(),
                }
                for t in view.half_terms
            ],
        )
    flash(f"Term dates for {year_label(view.academic_year)} saved.", "info")
    return redirect(url_for("induction.terms", school_id=school_id, year=view.academic_year))


# --- a pairing's cadence --------------------------------------------------------------------


def cadence(mentorship_id: int) -> ResponseReturnValue:
    """Set a pairing's induction year and coaching cadence."""
    form = CadenceForm()
    if not form.validate():
        raise InvalidInput(form_errors(form))
    year, days = form.values()
    pairing = induction_cadence.set_cadence(
        db(), current_user, mentorship_id, induction_year=year, cadence_days=days
    )
    if wants_json():
        return jsonify(
            mentorship={
                "id": pairing.id,
                "induction_year": pairing.induction_year,
                "cadence_days": pairing.cadence_days,
            }
        )
    flash(
        f"{pairing.ect.name}: year {pairing.induction_year}, "
        f"coaching every {pairing.cadence_days} days.",
        "info",
    )
    return redirect(url_for("induction.school", school_id=pairing.school_id, _anchor="pairings"))


# --- evidence packs -------------------------------------------------------------------------


def evidence(ect_id: int) -> ResponseReturnValue:
    """Show an ECT's evidence pack as a printable page."""
    pack = _exported_pack(ect_id, "Evidence pack (printable page)")
    return render_template(
        "induction/evidence.html",
        pack=pack,
        standards=TEACHERS_STANDARDS,
        year_label=year_label,
    )


def evidence_csv(ect_id: int) -> ResponseReturnValue:
    """Export an ECT's evidence pack as CSV."""
    pack = _exported_pack(ect_id, "Evidence pack (CSV)")
    text = export.to_csv(induction_evidence.evidence_csv_rows(pack))
    return _csv_response(text, f"evidence-{_slug(pack.ect.name)}-{pack.today.isoformat()}.csv")


# --- logging an observation -----------------------------------------------------------------


def log_observation(ect_id: int) -> ResponseReturnValue:
    """Show the form to log an observation of an ECT, or log the one it sends."""
    ect = observations.loggable_ect(db(), current_user, ect_id)
    school_id = observations.ect_school(ect)
    today = observations.school_today(db(), school_id)
    mentor = observations.current_mentor(db(), ect.id)
    form = ObservationForm()
    staff = observations.observer_choices(db(), ect)
    form.observer_id.choices = choices(
        [("", f"The mentor ({mentor.name})" if mentor else "Choose the observer")]
        + [(str(u.id), u.name) for u in staff if mentor is None or u.id != mentor.id]
    )
    lessons = observations.observable_clips(db(), ect)
    form.clip_id.choices = choices(
        [("", "No clip: observed in person")]
        + [(str(c.id), f"{c.title} ({c.recorded_on:%-d %b %Y})") for c in lessons]
    )
    can_audit = policy.coordinates_school(db(), current_user, school_id)

    def page(message: str | None = None) -> str:
        return render_template(
            "induction/observation_form.html",
            form=form,
            ect=ect,
            today=today,
            message=message,
            can_audit=can_audit,
        )

    if not form.is_submitted():
        form.observed_on.data = today
        form.kind.data = request.args.get("kind") or ObservationKind.WEEKLY.value
        return page()
    if not form.validate():
        return refused(form_errors(form), page)
    try:
        logged = observations.log_observation(
            db(), current_user, ect.id, form.observation_input(), today=today
        )
    except InvalidInput as exc:
        return refused(exc.message, page)
    if wants_json():
        return jsonify(
            observation={
                "id": logged.id,
                "ect_id": logged.ect_id,
                "observed_on": logged.observed_on.isoformat(),
                "kind": logged.kind.value,
                "observer_id": logged.observer_id,
                "with_ect_lead": logged.with_ect_lead,
                "clip_id": logged.clip_id,
                "in_person": logged.in_person,
            }
        ), 201
    flash(
        f"{logged.kind.label} observation of {ect.name} on {logged.observed_on:%-d %b %Y} logged.",
        "info",
    )
    if can_audit:
        return redirect(url_for("induction.evidence", ect_id=ect.id, _anchor="observations"))
    return redirect(url_for("coaching.ect", ect_id=ect.id))
