"""Follow-up mail is written by the services, in their transaction, in each recipient's
language (issue 12, point 6)."""

import pytest

from buddywerk.followup import services as fs
from buddywerk.followup.models import TandemNote
from buddywerk.mail.models import OutgoingMail
from tests.mail.helpers import PREFIX, dutch, rolled_back, speaks
from tests.trajectories.factories import TrajectoryFactory, school_staff_of

pytestmark = pytest.mark.django_db

NOTE = "A new tandem note in one of your duos"


def test_a_tandem_note_mail_rolls_back_with_the_note_and_speaks_each_language(settings):
    settings.SITE_URL = "https://buddywerk.test"
    duo = TrajectoryFactory()
    staff = speaks(school_staff_of(duo), "en")
    buddy = duo.buddy.user  # Dutch

    (written,) = rolled_back(
        lambda: fs.tandem_note_add(actor=buddy, trajectory=duo, text="Hij was stil vandaag.")
    )
    assert (written.kind, written.to) == ("followup.tandem_note", staff.email)
    assert written.subject == PREFIX + NOTE
    assert f"https://buddywerk.test/duos/{duo.uuid}/" in written.body
    assert not TandemNote.objects.exists()
    assert not OutgoingMail.objects.exists()

    fs.tandem_note_add(actor=staff, trajectory=duo, text="Goed gewerkt.")
    (to_buddy,) = OutgoingMail.objects.all()
    assert (to_buddy.to, to_buddy.subject) == (buddy.email, PREFIX + dutch(NOTE))
