"""Group activities of a family programme (issue 20, point 4): only a coordinator of a
programme that works with families plans them and takes attendance; an activity of another
programme does not exist for anyone else (404)."""

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes, role_outcomes

PLANNERS = {"programme_coordinator": 200}


def _family_coordinator(w):
    """The world's coordinator coordinates the family programme too (the world's own
    programme takes pupils only); idempotent, as a walk over the pages asks twice."""
    from buddywerk.access.models import Membership
    from tests.factories import member

    coordinator = w.users["programme_coordinator"]
    if not Membership.objects.filter(
        user=coordinator, organisation=w.family_programme, role="programme_coordinator"
    ).exists():
        member(coordinator, w.family_programme, "programme_coordinator")
    return coordinator


def _planner(w):
    _family_coordinator(w)
    return {}


def _activity(w):
    """A planned activity of the family programme, with its running family duos."""
    from django.utils import timezone

    from buddywerk.trajectories import group_services
    from buddywerk.trajectories.models import GroupActivity

    coordinator = _family_coordinator(w)
    activity = GroupActivity.objects.filter(programme=w.family_programme).first()
    if activity is None:
        activity = group_services.group_activity_plan(
            actor=coordinator,
            programme=w.family_programme,
            title="Speelplein",
            date=timezone.localdate(),
            start_time=None,
            duration_minutes=60,
            mode="out_about",
            place="Speelplein",
            trajectories=group_services.invitable_duos(w.family_programme)[:2],
        )
    return {"activity_uuid": activity.uuid}


ROUTES = [
    Route(
        "trajectories:group_activity_list",
        role_outcomes(403, anonymous=LOGIN, coordinator_other_programme=403, **PLANNERS),
        args=_planner,
    ),
    Route(
        "trajectories:group_activity_create",
        role_outcomes(403, anonymous=LOGIN, coordinator_other_programme=403, **PLANNERS),
        args=_planner,
    ),
    Route(
        "trajectories:group_activity_detail",
        outcomes(404, anonymous=LOGIN, **PLANNERS),
        args=_activity,
    ),
    Route(
        "trajectories:group_activity_detail",
        outcomes(404, anonymous=LOGIN, programme_coordinator=REDIRECT),
        args=_activity,
        method="post",
        data={"attended": []},
    ),
]
