"""Duo routes (issue 5): buddies, school staff and the programme's coordinators work in
duos; regional coordinators and the funder never see one (404 on a duo, 403 on lists)."""

from tests.access.matrix import LOGIN, OUTSIDERS_404, REDIRECT, Route, outcomes, role_outcomes
from tests.days import InDays


def _duo(w):
    return {"trajectory_uuid": w.duo.uuid}


# Who can see the world's duo: its buddy, School A's staff, the programme's coordinator and
# platform admins. The others get 404 (a duo outside their scope does not exist for them),
# the outsiders of each role too: another duo's buddy, applicants, staff of School B and
# another programme's coordinator.
# Issue 14: city staff (either city) see no duo, as the funder.
OUT_OF_SCOPE = {
    "regional_coordinator": 404,
    "funder": 404,
    "city_staff": 404,
    "city_staff_other_city": 404,
    "internship_supervisor": 404,
    # Issue 20: staff of a service see their own families' duos, not a school's.
    "service_staff": 404,
    "anonymous": LOGIN,
    **OUTSIDERS_404,
}

ROUTES = [
    # Lists are scoped: each sees their own duos (a declined applicant holds no role).
    Route(
        "trajectories:list",
        role_outcomes(
            403,
            declined_applicant=403,
            anonymous=LOGIN,
            buddy=200,
            school_staff=200,
            # Issue 20: a service's staff follow their families' duos.
            service_staff=200,
            programme_coordinator=200,
            platform_admin=200,
        ),
    ),
    Route("trajectories:start", role_outcomes(403, anonymous=LOGIN, programme_coordinator=200)),
    Route("trajectories:detail", outcomes(200, **OUT_OF_SCOPE), args=_duo),
    Route(
        "trajectories:agreement_edit",
        outcomes(403, programme_coordinator=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "trajectories:agreement_confirm",
        outcomes(403, buddy=REDIRECT, school_staff=REDIRECT, **OUT_OF_SCOPE),
        args=_duo,
        method="post",
    ),
    Route(
        "trajectories:agreement_confirm",
        outcomes(405, anonymous=LOGIN),
        args=_duo,
    ),
    Route(
        "trajectories:insurance_confirm",
        outcomes(403, school_staff=REDIRECT, **OUT_OF_SCOPE),
        args=_duo,
        method="post",
    ),
    Route(
        "trajectories:meeting_create",
        outcomes(403, buddy=200, programme_coordinator=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "trajectories:meeting_plan",
        outcomes(403, buddy=200, programme_coordinator=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "trajectories:meeting_edit",
        outcomes(403, buddy=200, programme_coordinator=200, **OUT_OF_SCOPE),
        args=lambda w: {"trajectory_uuid": w.duo.uuid, "meeting_uuid": w.duo_meeting.uuid},
    ),
    Route(
        "trajectories:wellbeing_create",
        outcomes(403, buddy=200, school_staff=200, programme_coordinator=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "trajectories:pause",
        outcomes(403, programme_coordinator=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "trajectories:resume",
        outcomes(403, programme_coordinator=REDIRECT, **OUT_OF_SCOPE),
        args=_duo,
        method="post",
    ),
    Route(
        "trajectories:close",
        outcomes(403, programme_coordinator=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "trajectories:evaluate",
        outcomes(403, buddy=200, school_staff=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "trajectories:evaluate",
        outcomes(403, buddy=200, school_staff=200, **OUT_OF_SCOPE),
        args=_duo,
        method="post",
        data={"text": ""},
    ),
    Route(
        "trajectories:certificate",
        outcomes(403, buddy=200, programme_coordinator=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
]

# Concerns (beside the duo): raised by its three sides, acknowledged by the programme or
# the school (not by whoever raised it: the world's concern is the buddy's).
SIDES = {"buddy": 200, "school_staff": 200, "programme_coordinator": 200}

ROUTES += [
    Route(
        "trajectories:concern_create",
        outcomes(403, **SIDES, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "trajectories:concern_acknowledge",
        outcomes(403, school_staff=200, programme_coordinator=200, **OUT_OF_SCOPE),
        args=lambda w: {"trajectory_uuid": w.duo.uuid, "concern_uuid": w.duo_concern.uuid},
    ),
]


def _concern(w):
    return {"trajectory_uuid": w.duo.uuid, "concern_uuid": w.duo_concern.uuid}


# A concern is a case (issue 13, point 5): its page for the three sides and platform
# admins; its outcome recorded by the programme or the school, closed by the programme;
# each step one POST (405 on GET). The world's concern is not acknowledged yet, so an
# allowed POST comes back to the concern's page with the reason (a redirect).
ROUTES += [
    Route(
        "trajectories:concern_detail",
        outcomes(200, **OUT_OF_SCOPE),
        args=_concern,
    ),
    Route(
        "trajectories:concern_acknowledge",
        outcomes(403, school_staff=REDIRECT, programme_coordinator=REDIRECT, **OUT_OF_SCOPE),
        args=_concern,
        method="post",
        data={"note": "Ik bel de school."},
    ),
    Route(
        "trajectories:concern_outcome",
        outcomes(403, school_staff=REDIRECT, programme_coordinator=REDIRECT, **OUT_OF_SCOPE),
        args=_concern,
        method="post",
        data={"outcome": "care_team"},
    ),
    Route("trajectories:concern_outcome", outcomes(405, anonymous=LOGIN), args=_concern),
    Route(
        "trajectories:concern_close",
        outcomes(403, programme_coordinator=REDIRECT, **OUT_OF_SCOPE),
        args=_concern,
        method="post",
    ),
    Route("trajectories:concern_close", outcomes(405, anonymous=LOGIN), args=_concern),
]


# Plan, cancel, correct (issue 16): the buddy and the coordinator of the duo cancel or move
# a planned meeting; who logged a meeting deletes it (the world's meeting is the buddy's).
def _planned(w):
    return {"trajectory_uuid": w.duo.uuid, "meeting_uuid": w.duo_planned_meeting.uuid}


def _logged(w):
    return {"trajectory_uuid": w.duo.uuid, "meeting_uuid": w.duo_meeting.uuid}


PLANNERS = {"buddy": 200, "programme_coordinator": 200}
_IN_TEN_DAYS = InDays(10)

ROUTES += [
    Route("trajectories:meeting_cancel", outcomes(403, **PLANNERS, **OUT_OF_SCOPE), args=_planned),
    Route(
        "trajectories:meeting_cancel",
        outcomes(403, buddy=REDIRECT, programme_coordinator=REDIRECT, **OUT_OF_SCOPE),
        args=_planned,
        method="post",
        data={"cancel_reason": "buddy_absent", "reason": "Ik ben ziek."},
    ),
    Route("trajectories:meeting_move", outcomes(403, **PLANNERS, **OUT_OF_SCOPE), args=_planned),
    Route(
        "trajectories:meeting_move",
        outcomes(403, buddy=REDIRECT, programme_coordinator=REDIRECT, **OUT_OF_SCOPE),
        args=_planned,
        method="post",
        data={"date": _IN_TEN_DAYS, "reason": ""},
    ),
    Route("trajectories:meeting_delete", outcomes(403, buddy=200, **OUT_OF_SCOPE), args=_logged),
    Route(
        "trajectories:meeting_delete",
        outcomes(403, buddy=REDIRECT, **OUT_OF_SCOPE),
        args=_logged,
        method="post",
    ),
    # Issue 20: the family duo of the world's service (Service A, whose staff follow it as
    # the school follows a pupil's duo); Service B's staff do not find it.
    Route(
        "trajectories:detail",
        outcomes(
            404,
            anonymous=LOGIN,
            buddy=200,
            service_staff=200,
            platform_admin=200,
        ),
        args=lambda w: {"trajectory_uuid": w.matched_family.participations.get().trajectory.uuid},
    ),
]
