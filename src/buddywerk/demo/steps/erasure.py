"""Demo step: an erasure request waiting for a second person (issue 15, point 4)."""

import datetime as dt

from buddywerk.privacy.erasure_models import ErasureAskedBy, ErasureRequest
from buddywerk.privacy.erasure_services import erasure_request_create
from buddywerk.referrals.models import Pupil

from .. import dates
from ..people import person
from .consent import WITHDRAWN


def erasure() -> None:
    """Sara Wouters' parents withdrew their consent (step consent) and yesterday asked,
    through the care coordinator of Busleyden, to erase her data now instead of after the
    waiting time. The coordinator of Buddy Mechelen (coordinator.mechelen) recorded the
    request: Privacy -> Erasure requests shows it waiting for a second person, with what
    will be erased and what is kept. coordinator.mechelen cannot confirm it; the platform
    admin (admin) can, and the next scheduled run (`buddywerk run-scheduled`) erases her
    data and mails coordinator.mechelen."""
    pupil = Pupil.objects.get(first_name=WITHDRAWN.first_name, last_name=WITHDRAWN.last_name)
    if ErasureRequest.objects.filter(pupil=pupil).exists():
        return
    erasure_request_create(
        actor=person("coordinator.mechelen"),
        subject=pupil,
        asked_by=ErasureAskedBy.PARENT,
        asked_on=dates.today() - dt.timedelta(days=1),
        now=dates.days_ago(1),
    )
