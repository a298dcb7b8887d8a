"""Mail of the matching app, sent by the task worker after the write that caused it.

No participant's name goes into a subject or a body: the mail says that something waits
and links to the page, where the access policy decides what the reader sees.
"""

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from buddywerk.access.models import Membership, Role
from buddywerk.mail.outbox import mail_enqueue

MAIL_KINDS = frozenset(
    {"proposed", "accepted", "declined", "refused", "confirmed", "expired", "reminder"}
)


def _recipients(proposal, kind: str) -> list:
    """Who hears about it: the buddy when they must answer or the duo starts; the referring
    school or service when it must confirm; the programme's coordinators otherwise."""
    from .enums import ProposalStatus

    buddy = [proposal.buddy.user]
    school = [
        m.user
        for m in Membership.objects.active()
        .filter(organisation_id=proposal.referral.referrer_id, role=Role.SCHOOL_STAFF)
        .select_related("user")
    ]
    coordinators = [
        m.user
        for m in Membership.objects.active()
        .filter(organisation_id=proposal.programme_id, role=Role.PROGRAMME_COORDINATOR)
        .select_related("user")
    ]
    if kind == "proposed":
        return buddy
    if kind == "accepted":
        return school
    if kind == "reminder":
        return buddy if proposal.status == ProposalStatus.PENDING else school
    if kind == "confirmed":
        return buddy + coordinators
    return coordinators


def _texts(kind: str) -> tuple[str, str]:
    return {
        "proposed": (
            _("A new buddy proposal for you"),
            _("The programme proposes a participant for you. Please answer on your page."),
        ),
        "accepted": (
            _("A buddy accepted a proposal: please confirm"),
            _("A buddy said yes to a referral of yours. Please confirm or refuse the buddy."),
        ),
        "declined": (
            _("A buddy declined a proposal"),
            _("The referral is back in your queue. The reason is on the proposal page."),
        ),
        "refused": (
            _("A school or service refused a proposal"),
            _("The referral is back in your queue. The reason is on the proposal page."),
        ),
        "confirmed": (
            _("A new duo starts"),
            _("The proposal was confirmed on both sides. The duo can make its agreements."),
        ),
        "expired": (
            _("A proposal expired"),
            _("Nobody answered in time. The referral is back in your queue."),
        ),
        "reminder": (
            _("Reminder: a proposal waits for your answer"),
            _("Please answer by tomorrow, or the proposal expires."),
        ),
    }[kind]


@task()
def proposal_mail_send(*, kind: str, proposal_id: int, base_url: str) -> None:
    """Tell the people concerned what happened to a proposal."""
    from .models import Proposal

    if kind not in MAIL_KINDS:
        raise ValueError(f"Unknown proposal mail: {kind}")
    proposal = (
        Proposal.objects.select_related("buddy__user", "referral").filter(pk=proposal_id).first()
    )
    if proposal is None:
        return
    url = base_url.rstrip("/") + reverse("matching:proposal_detail", args=[proposal.uuid])
    for user in _recipients(proposal, kind):
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject, body = _texts(kind)
            greeting = _("Hello %(name)s,") % {"name": user.first_name or user.email}
            mail_enqueue(
                to=user.email,
                subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                body=f"{greeting}\n\n{body}\n\n{url}\n",
                kind=f"matching.{kind}",
            )


@task()
def proposals_expire_run(*, base_url: str) -> None:
    """The expiry pass as a task, for a scheduler that enqueues tasks rather than running
    commands (`buddywerk matching_expire` does the same from cron)."""
    from .services import proposals_expire

    proposals_expire(base_url=base_url)
