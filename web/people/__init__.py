"""Managing people: schools, the roster and its import, pairings, invitations, leavers and the
year's roll-over, and a trust's single sign-on."""

from __future__ import annotations

from flask import Blueprint

from web.people import invitations, leavers, pairings, rollover, roster, schools, sign_in, staff
from web.routing import GET, GET_POST, POST, add_routes


def blueprint() -> Blueprint:
    """Build the people blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("people", __name__, url_prefix="/people")
    add_routes(
        bp,
        [
            (GET, "/", schools.index),
            (GET, "/schools/<int:school_id>", schools.school),
            (GET_POST, "/schools/new", schools.new_school),
            (GET_POST, "/schools/<int:school_id>/edit", schools.edit_school),
            (GET_POST, "/schools/<int:school_id>/people/new", staff.new_person),
            (GET_POST, "/schools/<int:school_id>/people/<int:user_id>", staff.edit_person),
            (GET_POST, "/schools/<int:school_id>/import", roster.import_roster),
            (GET, "/roster-template.csv", roster.roster_template),
            (POST, "/people/<int:user_id>/invite", invitations.invite),
            (GET_POST, "/trusts/<int:trust_id>/sign-in", sign_in.sign_in),
            (GET_POST, "/schools/<int:school_id>/pairings", pairings.pairings),
            (POST, "/pairings/<int:pairing_id>/end", pairings.end_pairing),
            (GET, "/people/<int:user_id>/leaver", leavers.leaver),
            (POST, "/people/<int:user_id>/deactivate", leavers.deactivate),
            (POST, "/people/<int:user_id>/reactivate", leavers.reactivate),
            (GET_POST, "/schools/<int:school_id>/rollover", rollover.rollover),
        ],
    )
    return bp
