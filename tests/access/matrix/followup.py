"""Follow-up routes of a duo (issue 5, part 2; the followup app): the tandem is read by the
buddy, the school and the programme (and platform admins); kijkwijzer, actions and
check-ins are the coordinator's. Regional coordinators and the funder never see a duo
(404). The concern routes stay with the duo's (trajectories.py)."""

from tests.access.matrix import LOGIN, OUTSIDERS_404, REDIRECT, Route, outcomes, role_outcomes


def _duo(w):
    return {"trajectory_uuid": w.duo.uuid}


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
    Route(
        "followup:overview",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=200),
    ),
    Route(
        "followup:duo",
        outcomes(200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route("followup:tandem", outcomes(200, **OUT_OF_SCOPE), args=_duo),
    Route(
        "followup:tandem",
        outcomes(403, buddy=REDIRECT, school_staff=REDIRECT, **OUT_OF_SCOPE),
        args=_duo,
        method="post",
        data={"text": "Hoe ging het deze week?", "kind": "note"},
    ),
    Route(
        "followup:observation_create",
        outcomes(403, programme_coordinator=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "followup:observation_detail",
        outcomes(403, programme_coordinator=200, platform_admin=200, **OUT_OF_SCOPE),
        args=lambda w: {
            "trajectory_uuid": w.duo.uuid,
            "observation_uuid": w.duo_observation.uuid,
        },
    ),
    Route(
        "followup:action_done",
        outcomes(403, programme_coordinator=REDIRECT, **OUT_OF_SCOPE),
        args=lambda w: {"trajectory_uuid": w.duo.uuid, "action_uuid": w.duo_action.uuid},
        method="post",
    ),
    Route(
        "followup:action_done",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"trajectory_uuid": w.duo.uuid, "action_uuid": w.duo_action.uuid},
    ),
    Route(
        "followup:checkin_create",
        outcomes(403, programme_coordinator=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "followup:survey_create",
        outcomes(403, buddy=200, **OUT_OF_SCOPE),
        args=lambda w: {"trajectory_uuid": w.duo.uuid, "respondent": "buddy"},
    ),
    Route(
        "followup:survey_create",
        outcomes(403, school_staff=200, programme_coordinator=200, **OUT_OF_SCOPE),
        args=lambda w: {"trajectory_uuid": w.duo.uuid, "respondent": "participant"},
    ),
]

ROUTES += [
    Route(
        "followup:criteria_edit",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=200),
    ),
    # One POST endpoint per action: adding is the page's own POST, toggling has its own.
    Route(
        "followup:criteria_edit",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=REDIRECT),
        method="post",
        data={"label": "Luistert goed"},
    ),
    Route(
        "followup:criterion_toggle",
        role_outcomes(
            403, anonymous=LOGIN, programme_coordinator=REDIRECT, coordinator_other_programme=404
        ),
        args=lambda w: {"criterion_id": w.duo_criterion.pk},
        method="post",
    ),
    Route(
        "followup:criterion_toggle",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"criterion_id": w.duo_criterion.pk},
    ),
]


# Issue 16: the author corrects or deletes their tandem note (the world's note is the
# buddy's); the school, its other side, may not (403).
def _note(w):
    return {"trajectory_uuid": w.duo.uuid, "note_uuid": w.duo_tandem_note.uuid}


ROUTES += [
    Route("followup:tandem_note_edit", outcomes(403, buddy=200, **OUT_OF_SCOPE), args=_note),
    Route(
        "followup:tandem_note_edit",
        outcomes(403, buddy=REDIRECT, **OUT_OF_SCOPE),
        args=_note,
        method="post",
        data={"text": "Hij was moe vandaag."},
    ),
    Route("followup:tandem_note_delete", outcomes(403, buddy=200, **OUT_OF_SCOPE), args=_note),
    Route(
        "followup:tandem_note_delete",
        outcomes(403, buddy=REDIRECT, **OUT_OF_SCOPE),
        args=_note,
        method="post",
    ),
]
