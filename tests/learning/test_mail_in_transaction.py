"""The "you moved up" mail is written by the cancellation, in its transaction, in the
promoted buddy's language (issue 12, point 6)."""

import pytest

from buddywerk.learning import services
from buddywerk.learning.models import Registration, RegistrationStatus
from buddywerk.mail.models import OutgoingMail
from tests.factories import ProgrammeFactory
from tests.learning.factories import EventFactory
from tests.learning.test_events import buddy_user
from tests.mail.helpers import PREFIX, rolled_back, speaks

pytestmark = pytest.mark.django_db


def _moved_up_subject(title: str, language: str) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override(language):
        return PREFIX + gettext("A place is free for you: %(title)s") % {"title": title}


def test_the_moved_up_mail_rolls_back_with_the_cancellation_and_speaks_each_language(settings):
    settings.SITE_URL = "https://buddywerk.test"
    programme = ProgrammeFactory()
    event = EventFactory(capacity=2, title="Intervisie")
    first, second, english, dutch = (buddy_user(programme) for _ in range(4))
    speaks(english, "en")
    taken = [services.registration_create(actor=u, event=event) for u in (first, second)]
    for user in (english, dutch):
        services.registration_create(actor=user, event=event)

    (written,) = rolled_back(
        lambda: services.registration_cancel(actor=first, registration=taken[0])
    )
    assert (written.kind, written.to) == ("learning.moved_up", english.email)
    assert written.subject == _moved_up_subject("Intervisie", "en")
    assert f"https://buddywerk.test/learning/events/{event.uuid}/" in written.body
    assert not OutgoingMail.objects.exists()
    assert Registration.objects.get(buddy__user=english).status == RegistrationStatus.WAITING

    taken[0].refresh_from_db()  # the rolled-back cancel left its in-memory status behind
    services.registration_cancel(actor=first, registration=taken[0])
    services.registration_cancel(actor=second, registration=taken[1])
    mails = {m.to: m for m in OutgoingMail.objects.filter(kind="learning.moved_up")}
    assert mails[english.email].subject == _moved_up_subject("Intervisie", "en")
    assert mails[dutch.email].subject == _moved_up_subject("Intervisie", "nl-be")
    assert mails[dutch.email].subject != mails[english.email].subject
