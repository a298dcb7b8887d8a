"""Privacy routes (issue 15): a programme's retention periods, for its coordinators."""

import datetime as dt

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes, role_outcomes
from tests.days import InDays

ROUTES = [
    Route("privacy:retention", role_outcomes(403, anonymous=LOGIN, programme_coordinator=200)),
    Route(
        "privacy:retention_edit",
        outcomes(404, anonymous=LOGIN, programme_coordinator=200),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    # The purge's dry run (issue 15 point 7): platform admins only.
    Route("privacy:purge", role_outcomes(403, anonymous=LOGIN, platform_admin=200)),
]


# Access on request (issue 15 point 5): a coordinator of the child's programme (and a
# platform admin, for every programme) exports; school staff, buddies, the region and the
# funder get 404 for the child, as every outsider does.
EXPORTERS = {"programme_coordinator": 200, "platform_admin": 200}


def _family_of_the_programme(w):
    """The world's family in a duo of the family programme, whose coordinator the world's
    coordinator becomes too (the world's own programme takes pupils only)."""
    from buddywerk.access.models import Membership
    from tests.factories import member

    coordinator = w.users["programme_coordinator"]
    if not Membership.objects.filter(
        user=coordinator, organisation=w.family_programme, role="programme_coordinator"
    ).exists():  # a walk over every page asks twice
        member(coordinator, w.family_programme, "programme_coordinator")
    return w.matched_family


def _token(w, role: str, subject_name: str) -> str:
    """A download link made by the insider `role` for a subject of the world."""
    from buddywerk.privacy.access_services import access_export_create

    return access_export_create(actor=w.users[role], subject=getattr(w, subject_name))


ROUTES += [
    Route(
        "privacy:access_pupil",
        outcomes(404, anonymous=LOGIN, **EXPORTERS),
        args=lambda w: {"pupil_uuid": w.pupil.uuid},
    ),
    Route(
        "privacy:access_pupil",
        outcomes(404, anonymous=LOGIN, programme_coordinator=REDIRECT, platform_admin=REDIRECT),
        args=lambda w: {"pupil_uuid": w.pupil.uuid},
        method="post",
    ),
    # A pupil referred only to another programme: its coordinator's, not ours.
    Route(
        "privacy:access_pupil",
        outcomes(404, anonymous=LOGIN, platform_admin=200, coordinator_other_programme=200),
        args=lambda w: {"pupil_uuid": w.other_pupil.uuid},
    ),
    Route(
        "privacy:access_family",
        outcomes(404, anonymous=LOGIN, **EXPORTERS),
        args=lambda w: {"family_uuid": _family_of_the_programme(w).uuid},
    ),
    Route(
        "privacy:my_data",
        role_outcomes(
            403, anonymous=LOGIN, buddy=200, declined_applicant=200, pending_applicant=200
        ),
    ),
    Route(
        "privacy:my_data",
        role_outcomes(
            403,
            anonymous=LOGIN,
            buddy=REDIRECT,
            declined_applicant=REDIRECT,
            pending_applicant=REDIRECT,
        ),
        method="post",
    ),
    # The links work for the person who made them only: everyone else gets 404.
    Route(
        "privacy:access_ready",
        outcomes(404, anonymous=LOGIN, programme_coordinator=200),
        args=lambda w: {"token": _token(w, "programme_coordinator", "pupil")},
    ),
    Route(
        "privacy:access_download",
        outcomes(404, anonymous=LOGIN, programme_coordinator=200),
        args=lambda w: {
            "token": _token(w, "programme_coordinator", "pupil"),
            "file_format": "json",
        },
    ),
    Route(
        "privacy:access_download",
        outcomes(404, anonymous=LOGIN, programme_coordinator=200),
        args=lambda w: {
            "token": _token(w, "programme_coordinator", "pupil"),
            "file_format": "pdf",
        },
    ),
    Route(
        "privacy:access_download",
        outcomes(404, anonymous=LOGIN, buddy=200),
        args=lambda w: {"token": _token(w, "buddy", "buddy"), "file_format": "json"},
    ),
    # The processing register (point 6): platform admins only.
    Route("privacy:register", role_outcomes(403, anonymous=LOGIN, platform_admin=200)),
    Route("privacy:register_pdf", role_outcomes(403, anonymous=LOGIN, platform_admin=200)),
]


# Erasure on request (issue 15 point 4): a coordinator of the child's programme (or a
# platform admin) records a request; a second person decides; everyone else gets 404.
# A plausible day (issue 16 point 5): a week ago.
ASKED = {
    "asked_by": "parent",
    "asked_on": InDays(-7),
}


def _erasure(w, role: str = "programme_coordinator"):
    """A request for the world's pupil, recorded by the insider `role`."""
    from buddywerk.privacy.erasure_models import ErasureRequest
    from buddywerk.privacy.erasure_services import erasure_request_create

    # The same request for every row of a route (the every-state walk asks them together).
    found = ErasureRequest.objects.filter(pupil=w.pupil, status="requested").first()
    return found or erasure_request_create(
        actor=w.users[role],
        subject=w.pupil,
        asked_by="parent",
        asked_on=dt.date(2020, 1, 6),
    )


ROUTES += [
    Route(
        "privacy:erasure_list",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=200, platform_admin=200),
    ),
    Route(
        "privacy:erasure_pupil",
        outcomes(404, anonymous=LOGIN, **EXPORTERS),
        args=lambda w: {"pupil_uuid": w.pupil.uuid},
    ),
    Route(
        "privacy:erasure_pupil",
        outcomes(404, anonymous=LOGIN, programme_coordinator=REDIRECT, platform_admin=REDIRECT),
        args=lambda w: {"pupil_uuid": w.pupil.uuid},
        method="post",
        data=ASKED,
    ),
    Route(
        "privacy:erasure_pupil",
        outcomes(404, anonymous=LOGIN, platform_admin=200, coordinator_other_programme=200),
        args=lambda w: {"pupil_uuid": w.other_pupil.uuid},
    ),
    Route(
        "privacy:erasure_family",
        outcomes(404, anonymous=LOGIN, **EXPORTERS),
        args=lambda w: {"family_uuid": _family_of_the_programme(w).uuid},
    ),
    # The request: its programme's coordinators and platform admins; the coordinator of
    # another programme, school staff and buddies get 404.
    Route(
        "privacy:erasure_detail",
        outcomes(404, anonymous=LOGIN, **EXPORTERS),
        args=lambda w: {"request_uuid": _erasure(w).uuid},
    ),
    # Four eyes: the requester's own confirmation is refused with a message (redirect), a
    # second person's is taken (redirect); outsiders: 404.
    Route(
        "privacy:erasure_decide",
        outcomes(404, anonymous=LOGIN, **{role: REDIRECT for role in EXPORTERS}),
        args=lambda w: {"request_uuid": _erasure(w).uuid, "decision": "confirm"},
        method="post",
    ),
    Route(
        "privacy:erasure_decide",
        outcomes(404, anonymous=LOGIN),
        args=lambda w: {"request_uuid": _erasure(w).uuid, "decision": "nonsense"},
        method="post",
    ),
]

# A buddy's own erasure request (from the profile), as their own export.
OWN = {"buddy": 200, "declined_applicant": 200, "pending_applicant": 200}
ROUTES += [
    Route("privacy:erasure_own", role_outcomes(403, anonymous=LOGIN, **OWN)),
    Route(
        "privacy:erasure_own",
        role_outcomes(403, anonymous=LOGIN, **{role: REDIRECT for role in OWN}),
        method="post",
    ),
]
