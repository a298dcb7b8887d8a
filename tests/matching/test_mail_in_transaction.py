"""Proposal mail is written by the service, in its transaction, in each recipient's
language, with a link built on SITE_URL (issue 12, point 6)."""

import pytest

from buddywerk.mail.models import OutgoingMail
from buddywerk.matching import services
from buddywerk.matching.models import Proposal
from tests.factories import ProgrammeFactory, PupilFactory, SchoolFactory
from tests.mail.helpers import PREFIX, by_recipient, dutch, rolled_back, speaks
from tests.matching.helpers import coordinator_of, fitting_buddy, queued_referral, staff_of

pytestmark = pytest.mark.django_db


def test_proposal_mails_roll_back_with_the_service_and_speak_each_language(settings):
    settings.SITE_URL = "https://buddywerk.test"
    programme, school = ProgrammeFactory(), SchoolFactory()
    coordinator = coordinator_of(programme)  # Dutch, the default
    staff = staff_of(school)
    buddy = fitting_buddy(programme, capacity=1)
    speaks(buddy.user, "en")
    referral = queued_referral(programme, pupil=PupilFactory(school=school))

    def propose():
        return services.proposals_create(
            actor=coordinator, programme=programme, pairs=[(str(referral.uuid), str(buddy.uuid))]
        )

    written = rolled_back(propose)
    assert [(m.kind, m.to) for m in written] == [("matching.proposed", buddy.user.email)]
    assert written[0].subject == PREFIX + "A new buddy proposal for you"
    assert not Proposal.objects.exists()
    assert not OutgoingMail.objects.exists()

    (proposal,) = propose()
    services.proposal_accept(actor=buddy.user, proposal=proposal)
    OutgoingMail.objects.all().delete()
    written = rolled_back(lambda: services.proposal_confirm(actor=staff, proposal=proposal))
    mails = by_recipient(written)
    assert set(mails) == {buddy.user.email, coordinator.email}
    assert mails[buddy.user.email].subject == PREFIX + "A new duo starts"
    assert mails[coordinator.email].subject == PREFIX + dutch("A new duo starts")
    link = f"https://buddywerk.test/matching/proposals/{proposal.uuid}/"
    assert all(link in m.body for m in written)
    assert not OutgoingMail.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
