"""Short messages to a family's contact person (issue 20, point 4): the contact page of a
family duo is for the coordinators of the duo's programme only (the duo does not exist for
anyone else, its own buddy included: 404); a programme's message texts are for its
coordinator (another programme's texts are 404; the list is 403 for who coordinates no
family programme). The POST rows send bad input, so a walk changes nothing."""

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes, role_outcomes
from tests.access.matrix.group_activities import _family_coordinator


def _family_duo(w):
    """The world's running family duo (of another buddy, see world._outsiders), with the
    world's coordinator made coordinator of its programme."""
    from buddywerk.trajectories.models import Trajectory

    _family_coordinator(w)
    duo = (
        Trajectory.objects.filter(
            programme=w.family_programme, status="active", participants__family__isnull=False
        )
        .order_by("pk")
        .first()
    )
    return {"trajectory_uuid": duo.uuid}


def _texts(w):
    _family_coordinator(w)
    return {"programme_uuid": w.family_programme.uuid}


def _planner(w):
    _family_coordinator(w)
    return {}


COORDINATOR_ONLY = outcomes(404, anonymous=LOGIN, programme_coordinator=200)
BAD_CONTACT = {"channel": "sms", "phone": "12", "language": "nl"}
BAD_TEXT = {"kind": "date_changed", "language": "nl", "text": "Dag {naam}", "preview": "1"}

ROUTES = [
    Route("trajectories:family_contact", COORDINATOR_ONLY, args=_family_duo),
    Route(
        "trajectories:family_contact",
        COORDINATOR_ONLY,
        args=_family_duo,
        method="post",
        data=BAD_CONTACT,
    ),
    Route(
        "trajectories:family_contact_withdraw",
        outcomes(405, anonymous=LOGIN),
        args=_family_duo,
    ),
    # The family has no contact recorded in the world: withdrawing changes nothing.
    Route(
        "trajectories:family_contact_withdraw",
        outcomes(404, anonymous=LOGIN, programme_coordinator=REDIRECT),
        args=_family_duo,
        method="post",
    ),
    Route(
        "trajectories:message_template_list",
        role_outcomes(
            403, anonymous=LOGIN, coordinator_other_programme=403, programme_coordinator=200
        ),
        args=_planner,
    ),
    Route("trajectories:message_template_edit", COORDINATOR_ONLY, args=_texts),
    Route(
        "trajectories:message_template_edit",
        COORDINATOR_ONLY,
        args=_texts,
        method="post",
        data=BAD_TEXT,
    ),
]
