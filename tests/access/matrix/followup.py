"""Follow-up routes of a duo (issue 5, part 2): the tandem is read by the buddy, the
school and the programme (and platform admins); concerns are raised by the three sides and
acknowledged by the programme or the school; kijkwijzer, actions and check-ins are the
coordinator's. Regional coordinators and the funder never see a duo (404)."""

from tests.access.matrix import LOGIN, OUTSIDERS_404, REDIRECT, Route, outcomes, role_outcomes


def _duo(w):
    return {"trajectory_uuid": w.duo.uuid}


OUT_OF_SCOPE = {"regional_coordinator": 404, "funder": 404, "anonymous": LOGIN, **OUTSIDERS_404}
SIDES = {"buddy": 200, "school_staff": 200, "programme_coordinator": 200}

ROUTES = [
    Route(
        "trajectories:followup_overview",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=200),
    ),
    Route(
        "trajectories:followup",
        outcomes(200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route("trajectories:tandem", outcomes(200, **OUT_OF_SCOPE), args=_duo),
    Route(
        "trajectories:tandem",
        outcomes(403, buddy=REDIRECT, school_staff=REDIRECT, **OUT_OF_SCOPE),
        args=_duo,
        method="post",
        data={"text": "Hoe ging het deze week?", "kind": "note"},
    ),
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
    Route(
        "trajectories:observation_create",
        outcomes(403, programme_coordinator=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "trajectories:observation_detail",
        outcomes(403, programme_coordinator=200, platform_admin=200, **OUT_OF_SCOPE),
        args=lambda w: {
            "trajectory_uuid": w.duo.uuid,
            "observation_uuid": w.duo_observation.uuid,
        },
    ),
    Route(
        "trajectories:action_done",
        outcomes(403, programme_coordinator=REDIRECT, **OUT_OF_SCOPE),
        args=lambda w: {"trajectory_uuid": w.duo.uuid, "action_uuid": w.duo_action.uuid},
        method="post",
    ),
    Route(
        "trajectories:action_done",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"trajectory_uuid": w.duo.uuid, "action_uuid": w.duo_action.uuid},
    ),
    Route(
        "trajectories:checkin_create",
        outcomes(403, programme_coordinator=200, **OUT_OF_SCOPE),
        args=_duo,
    ),
    Route(
        "trajectories:survey_create",
        outcomes(403, buddy=200, **OUT_OF_SCOPE),
        args=lambda w: {"trajectory_uuid": w.duo.uuid, "respondent": "buddy"},
    ),
    Route(
        "trajectories:survey_create",
        outcomes(403, school_staff=200, programme_coordinator=200, **OUT_OF_SCOPE),
        args=lambda w: {"trajectory_uuid": w.duo.uuid, "respondent": "participant"},
    ),
]

ROUTES += [
    Route(
        "trajectories:criteria_edit",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=200),
    ),
]
