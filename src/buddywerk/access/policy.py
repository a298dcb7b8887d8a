"""The access policy: who may see and do what. Written once, here.

Each predicate is small, named, and documented with the rule it enforces. Querysets of
personal data are built on the same facts: `<things>_visible_to(user, qs)` narrows a
queryset of the model to the user's scope, and selectors start from it (models know
nothing of access). An object outside the user's scope is simply not in the queryset, so
views answer 404 and never confirm that a pupil exists (ARCHITECTURE.md 2-3).

Rights over a record come from being the person on that record (the buddy of this duo, the
school that referred this pupil), never from merely holding a role somewhere in the same
programme. A buddy's rights also need the programme's screening: an applicant who is still
waiting, or who was declined, is not a buddy of anyone (R2, R17; issue 11).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Subquery

from buddywerk.buddies.models import Buddy
from buddywerk.common.vocabulary import PathShownTo
from buddywerk.expenses.models import ExpenseClaim, ExpenseLine
from buddywerk.funds.models import Cost, Grant
from buddywerk.geo.models import Municipality
from buddywerk.internships.models import InstitutionPartnership, SharingConsent
from buddywerk.learning.models import Audience as EventAudience
from buddywerk.learning.models import Event, Module, Registration
from buddywerk.matching.models import Proposal
from buddywerk.network.models import (
    Audience,
    LocalService,
    PracticeSubmission,
    SubmissionStatus,
)
from buddywerk.organisations.models import (
    City,
    Organisation,
    ParticipantKind,
    Programme,
    School,
    Service,
    TrainingInstitution,
)
from buddywerk.privacy.erasure_models import ErasureRequest
from buddywerk.referrals.enums import TRIAGE_STATUSES
from buddywerk.referrals.models import Family, Pupil, Referral, ReferralStatus
from buddywerk.reports.qualitative_models import QualitativeReport, QualitativeStatus
from buddywerk.trajectories.models import Concern, GroupActivity, Meeting, Trajectory

from .models import ROLES_REQUIRING_MFA, Membership, Role, User


class AuthoredNote(Protocol):
    """A note with its author on a duo (the follow-up app's tandem note: the policy names
    no follow-up model)."""

    author_id: int
    trajectory: Trajectory


# Anonymous visitors reach some pages (and templates ask `can` for them too).
type AnyUser = User | AnonymousUser

_CACHE_ATTR = "_buddywerk_memberships"
_BUDDY_STATUS_ATTR = "_buddywerk_buddy_status"
_CITY_ATTR = "_buddywerk_city_municipalities"
_LEADS_ATTR = "_buddywerk_led_programmes"
_OWN_LEADS_ATTR = "_buddywerk_own_lead_memberships"
_KINDS_ATTR = "_buddywerk_programme_kinds"
# Programmes that work with families: they plan group activities and lead families to
# local services.
_FAMILY_KINDS = (ParticipantKind.FAMILIES, ParticipantKind.BOTH)
# Shared with access.middleware.has_totp, which reads it first.
_TOTP_ATTR = "_buddywerk_has_totp"
# A duo "runs" while it is active or paused: after its agreements (R9), before its closure.
# The same statuses in which meetings are logged (trajectories.workflow.LOGGING_STATUSES).
RUNNING_TRAJECTORY_STATUSES = ("active", "paused")

# A scoped model (see `_duo_side_scope`). A TypeVar, not a type parameter: Python 3.12's
# typing.get_type_hints cannot resolve type parameters (tests/access/test_policy_structure.py).
_M = TypeVar("_M", bound=Model)


def _memberships(user: AnyUser) -> list[tuple[str, int]]:
    """(role, organisation id) of the user's active memberships, cached on the user object.

    The same query reads the screening status of the user's buddy profile (every page's
    menu asks for it), so that a signed-in page starts with one query for the facts of the
    user rather than two or three (issue 17 point 4); see `read_user_facts`."""
    if not user.is_authenticated:
        return []
    cached: list[tuple[str, int]] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        read_user_facts(user)
        cached = getattr(user, _CACHE_ATTR)
    return cached


def read_user_facts(user: AnyUser, *, totp: bool = False) -> None:
    """Read the facts every page of a signed-in user needs in one query and keep them on
    the user object for the request: the active memberships (with the kind of participants
    of the programmes among their organisations), the screening status of their
    buddy profile (None without one) and, with `totp`, whether they have a TOTP
    authenticator (for RequireMfaMiddleware, `access.middleware.has_totp`). A user without
    any active membership reads their buddy profile and authenticator apart (no row to
    carry them)."""
    if not user.is_authenticated:
        return
    rows = Membership.objects.active().filter(user_id=user.pk)
    # the participants a programme works with (None for any other organisation)
    rows = rows.annotate(bw_kind=F("organisation__programme__participant_kind"))
    fields = ["role", "organisation_id", "bw_kind", "is_lead"]
    if not hasattr(user, _BUDDY_STATUS_ATTR):
        rows = rows.annotate(
            bw_buddy_status=Subquery(
                Buddy.objects.filter(user_id=OuterRef("user_id")).values("status")[:1]
            )
        )
        fields.append("bw_buddy_status")
    if totp and getattr(user, _TOTP_ATTR, None) is None:
        rows = rows.annotate(
            bw_totp=Exists(
                Authenticator.objects.filter(
                    user_id=OuterRef("user_id"), type=Authenticator.Type.TOTP
                )
            )
        )
        fields.append("bw_totp")
    values = [dict(zip(fields, row, strict=True)) for row in rows.values_list(*fields)]
    setattr(user, _CACHE_ATTR, [(row["role"], row["organisation_id"]) for row in values])
    setattr(user, _KINDS_ATTR, {row["organisation_id"]: row["bw_kind"] for row in values})
    own_leads = {
        row["organisation_id"]
        for row in values
        if row["is_lead"] and row["role"] == Role.PROGRAMME_COORDINATOR
    }
    setattr(user, _OWN_LEADS_ATTR, own_leads)
    if values:
        if "bw_buddy_status" in values[0]:
            setattr(user, _BUDDY_STATUS_ATTR, values[0]["bw_buddy_status"])
        if "bw_totp" in values[0]:
            setattr(user, _TOTP_ATTR, values[0]["bw_totp"])


def _works_with_families(user: AnyUser, programme_ids: set[int]) -> set[int]:
    """Those of the user's own programmes (`programme_ids`, from their memberships) that work
    with families, read from the memberships' query (no query of its own)."""
    _memberships(user)
    kinds: dict[int, str | None] = getattr(user, _KINDS_ATTR, {})
    return {programme for programme in programme_ids if kinds.get(programme) in _FAMILY_KINDS}


def forget_memberships(user: AnyUser) -> None:
    """Drop the cached memberships (and screening status) after a change to them."""
    for attr in (
        _CACHE_ATTR,
        _KINDS_ATTR,
        _OWN_LEADS_ATTR,
        _BUDDY_STATUS_ATTR,
        _CITY_ATTR,
        _LEADS_ATTR,
    ):
        if hasattr(user, attr):
            delattr(user, attr)


def roles_of(user: AnyUser) -> set[str]:
    """The roles a user holds through any active membership."""
    roles = {role for role, _org in _memberships(user)}
    if user.is_authenticated and user.is_superuser:
        roles.add(Role.PLATFORM_ADMIN)
    return roles


def organisation_ids(user: AnyUser, role: str) -> set[int]:
    """The organisations in which the user holds `role`."""
    return {org for r, org in _memberships(user) if r == role}


def has_role(user: AnyUser, role: str) -> bool:
    return role in roles_of(user)


def service_ids(user: AnyUser) -> set[int]:
    """The services (OCMW, CAW, welcome office...) in which the user is staff (issue 20)."""
    return organisation_ids(user, Role.SERVICE_STAFF)


def staff_organisation_ids(user: AnyUser) -> set[int]:
    """The schools (school_staff) and services (service_staff) the user works for: the
    organisations that refer participants and follow their duos. Each role lives in its
    own kind of organisation, so a school's staff never act for a service, nor the other
    way round."""
    return organisation_ids(user, Role.SCHOOL_STAFF) | service_ids(user)


def _buddy_status(user: AnyUser) -> str | None:
    """The screening status of the user's buddy profile (None without one), cached."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, _BUDDY_STATUS_ATTR):
        status = Buddy.objects.filter(user_id=user.pk).values_list("status", flat=True).first()
        setattr(user, _BUDDY_STATUS_ATTR, status)
    status_now: str | None = getattr(user, _BUDDY_STATUS_ATTR)
    return status_now


def is_approved_buddy(user: AnyUser) -> bool:
    """R2, R17: a buddy is someone a programme screened and approved, with an active account
    and an active buddy membership. An applicant still waiting for screening, a declined
    (or withdrawn) buddy and a deactivated account hold no buddy's rights, whatever
    memberships are left over."""
    return (
        user.is_authenticated
        and user.is_active
        and has_role(user, Role.BUDDY)
        and _buddy_status(user) == "approved"
    )


def approved_buddy_programme_ids(user: AnyUser) -> set[int]:
    """The programmes in which the user is an approved buddy (see `is_approved_buddy`):
    where a buddy's programme-wide rights (its internal events, its duos) come from."""
    return organisation_ids(user, Role.BUDDY) if is_approved_buddy(user) else set()


def is_buddy_or_applicant(user: AnyUser) -> bool:
    """A buddy membership and a profile that was not declined: approved, or an applicant
    still waiting for screening (who may already do the academy's modules, R14)."""
    return (
        user.is_authenticated
        and user.is_active
        and has_role(user, Role.BUDDY)
        and _buddy_status(user) in {"approved", "applied"}
    )


def is_platform_admin(user: AnyUser) -> bool:
    """The umbrella organisation's staff see everything, through the admin, audited."""
    return has_role(user, Role.PLATFORM_ADMIN)


def requires_mfa(user: AnyUser) -> bool:
    """School staff, programme and regional coordinators and platform admins reach personal
    data, and the funder sees figures about every child in Flanders and Brussels, so they
    must use two-factor authentication first; buddies are offered it."""
    return bool(roles_of(user) & ROLES_REQUIRING_MFA)


def can_use_admin(user: AnyUser) -> bool:
    """Only platform admins use the Django admin (behind 2FA, see RequireMfaMiddleware)."""
    return user.is_authenticated and user.is_active and is_platform_admin(user)


# --- Pupils --------------------------------------------------------------------------


def pupils_visible_to(user: AnyUser, qs: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """School staff see their school's pupils; a programme coordinator sees pupils with a
    submitted referral to the programme; an approved buddy sees the pupils of their own
    duos in the programmes they are still a buddy of (R17: not once declined); platform
    admins see all. Regional coordinators and the funder see no pupil (aggregates only)."""
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    condition = Q(school_id__in=organisation_ids(user, Role.SCHOOL_STAFF))
    programmes = organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    if programmes:
        condition |= Q(
            referrals__programme_id__in=programmes,
            referrals__submitted_at__isnull=False,
        )
    buddy_programmes = approved_buddy_programme_ids(user)
    if buddy_programmes:
        # A buddy sees the pupils of their own duos (templates show the first name only).
        condition |= Q(
            participations__trajectory__buddy__user_id=user.pk,
            participations__trajectory__programme_id__in=buddy_programmes,
        )
    return qs.filter(condition).distinct()


def can_view_pupil(user: AnyUser, pupil: Pupil) -> bool:
    """True when the pupil is in the user's scope (see `pupils_visible_to`)."""
    return pupils_visible_to(user, type(pupil).objects.filter(pk=pupil.pk)).exists()


def can_see_pupil_full_name(user: AnyUser, pupil: Pupil) -> bool:
    """Least privilege (DOMAIN.md): a buddy who sees a pupil of their own duo sees the first
    name only; the school's staff, the coordinators of a programme the pupil was referred
    to, and platform admins see the full name."""
    if is_platform_admin(user) or pupil.school_id in organisation_ids(user, Role.SCHOOL_STAFF):
        return True
    programmes = organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    return (
        bool(programmes)
        and pupil.referrals.filter(programme_id__in=programmes, submitted_at__isnull=False).exists()
    )


def can_manage_pupils(user: AnyUser) -> bool:
    """School staff add and edit the pupils of their own school."""
    return has_role(user, Role.SCHOOL_STAFF)


def can_list_pupils(user: AnyUser) -> bool:
    """The pupil list is for roles that work with pupils by name: school staff, programme
    coordinators and platform admins (buddies see their duos, not a list of pupils)."""
    return bool(
        roles_of(user) & {Role.SCHOOL_STAFF, Role.PROGRAMME_COORDINATOR, Role.PLATFORM_ADMIN}
    )


# --- Families ------------------------------------------------------------------------


def families_visible_to(user: AnyUser, qs: QuerySet[Family]) -> QuerySet[Family]:
    """The school or service that referred a family sees it; so do coordinators of a
    programme with a submitted referral for it, and platform admins."""
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    condition = Q(referred_by_id__in=staff_organisation_ids(user))
    programmes = organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    if programmes:
        condition |= Q(
            referrals__programme_id__in=programmes,
            referrals__submitted_at__isnull=False,
        )
    return qs.filter(condition).distinct()


# --- Referrals -----------------------------------------------------------------------


def referrals_visible_to(user: AnyUser, qs: QuerySet[Referral]) -> QuerySet[Referral]:
    """The referring school or service sees its referrals (drafts included); the programme
    sees referrals once submitted; platform admins see all."""
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    condition = Q(referrer_id__in=staff_organisation_ids(user))
    programmes = organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    if programmes:
        condition |= Q(programme_id__in=programmes, submitted_at__isnull=False)
    return qs.filter(condition)


# --- Buddies -------------------------------------------------------------------------


def buddies_visible_to(user: AnyUser, qs: QuerySet[Buddy]) -> QuerySet[Buddy]:
    """A buddy sees their own profile; a programme coordinator the programme's buddies;
    platform admins all."""
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    condition = Q(user_id=user.pk)
    programmes = organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    if programmes:
        condition |= Q(programmes__in=programmes)
    return qs.filter(condition).distinct()


def can_screen_buddies(user: AnyUser, programme: Programme) -> bool:
    """R2, R3: only a coordinator of the programme screens its applicants (approve or
    decline, record the extract, set junior or expert)."""
    return programme.pk in organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def can_screen_buddy(user: AnyUser, buddy: Buddy) -> bool:
    """R2, R3: a coordinator of any programme the buddy applied to screens them (screening
    is decided once per buddy; the decision counts for the buddy's other programmes)."""
    programmes = organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    return bool(programmes) and buddy.programmes.filter(pk__in=programmes).exists()


def can_import_buddies(user: AnyUser, programme: Programme) -> bool:
    """A programme's coordinator imports the buddies a teacher-training institution sends
    to that programme."""
    return programme.pk in organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def screening_programmes_of(user: AnyUser) -> set[int]:
    """The programmes whose applicants the user screens (see `can_screen_buddies`)."""
    return organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def can_edit_own_buddy_profile(user: AnyUser) -> bool:
    """A buddy edits their own profile and pauses their availability; nobody else does it
    through the buddy's pages."""
    return _buddy_status(user) is not None


# --- Referring and triage (R4, ARCHITECTURE.md 4) ------------------------------------


def referrer_organisation_ids(user: AnyUser) -> set[int]:
    """The schools and services in whose name the user refers (school_staff in a school,
    service_staff in a service)."""
    return staff_organisation_ids(user)


def can_refer(user: AnyUser) -> bool:
    """R4: staff of a school or of a service refer participants; a service refers
    families only (see `can_refer_pupil`)."""
    return bool(referrer_organisation_ids(user))


def can_refer_pupil(user: AnyUser) -> bool:
    """R4: only schools request a buddy for a pupil; the school keeps central direction of
    the pupil's learning."""
    ids = organisation_ids(user, Role.SCHOOL_STAFF)
    return bool(ids) and School.objects.filter(pk__in=ids).exists()


def can_refer_family(user: AnyUser) -> bool:
    """[004]: family programmes take referrals from services and from schools."""
    return can_refer(user)


def can_refer_for_pupil(user: AnyUser, pupil: Pupil) -> bool:
    """R4: the pupil's own school refers them (again) to a programme."""
    return pupil.school_id in referrer_organisation_ids(user)


def can_refer_for(user: AnyUser, referrer: Organisation) -> bool:
    """R4: staff refer in the name of their own school or service only."""
    return referrer.pk in referrer_organisation_ids(user)


def can_list_own_referrals(user: AnyUser) -> bool:
    """The referring school or service follows its referrals; platform admins see all."""
    return can_refer(user) or is_platform_admin(user)


def is_referrer_staff(user: AnyUser, referral: Referral) -> bool:
    """The user works for the school or service that made the referral."""
    return referral.referrer_id in referrer_organisation_ids(user)


def can_edit_referral(user: AnyUser, referral: Referral) -> bool:
    """The referring school or service edits (and submits) its referral while it is a
    draft; once submitted, the programme decides on what was sent."""
    return is_referrer_staff(user, referral) and referral.status == ReferralStatus.DRAFT


def can_withdraw_referral(user: AnyUser, referral: Referral) -> bool:
    """The referring school or service may withdraw a referral while it is open."""
    return is_referrer_staff(user, referral) and referral.is_open


def can_view_referral_queue(user: AnyUser) -> bool:
    """The programme's queue is for its coordinators (and platform admins, who see all)."""
    return has_role(user, Role.PROGRAMME_COORDINATOR) or is_platform_admin(user)


def can_triage_referral(user: AnyUser, referral: Referral) -> bool:
    """A coordinator of the programme decides on a referral submitted to it: accept,
    decline with a reason, waiting list; later matched, requeued or closed."""
    return referral.submitted_at is not None and referral.programme_id in organisation_ids(
        user, Role.PROGRAMME_COORDINATOR
    )


def can_record_consent_withdrawal(user: AnyUser, referral: Referral) -> bool:
    """R18: a parent (or the pupil, or the family) withdraws consent through the referring
    school or service, or tells the programme: its staff, or a coordinator of the programme
    the referral was sent to, records the withdrawal."""
    return is_referrer_staff(user, referral) or can_triage_referral(user, referral)


def can_manage_consent_texts(user: AnyUser, programme: Programme) -> bool:
    """R18: a programme's coordinators write its consent text (each change a new version)."""
    return programme.pk in organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def can_shorten_retention(user: AnyUser, programme: Programme) -> bool:
    """R18: a programme's coordinators may keep its data shorter than the schedule."""
    return programme.pk in organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def can_list_consent_texts(user: AnyUser) -> bool:
    """The page of consent texts is for programme coordinators."""
    return has_role(user, Role.PROGRAMME_COORDINATOR)


def can_decide_referral(user: AnyUser, referral: Referral) -> bool:
    """The programme's coordinator (see `can_triage_referral`) decides once on a referral
    that waits for it: submitted, or on the waiting list."""
    return referral.status in TRIAGE_STATUSES and can_triage_referral(user, referral)


# --- Organisations -------------------------------------------------------------------


def can_manage_organisations(user: AnyUser) -> bool:
    """Programmes, training institutions, regional coordinations, the funder and the
    umbrella organisation are set up by platform admins: an organisation's kind, province
    and coverage decide who sees what through its memberships."""
    return is_platform_admin(user)


# --- Schools -------------------------------------------------------------------------


def can_confirm_schools(user: AnyUser) -> bool:
    """A school registered through the public form joins only once a platform admin has
    confirmed it (R4: only real schools refer pupils)."""
    return is_platform_admin(user)


def schools_led_by(user: AnyUser, qs: QuerySet[School]) -> QuerySet[School]:
    """The schools in which the user is the care coordinator (lead school_staff), who
    invites and revokes the school's staff."""
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(
        memberships__user_id=user.pk,
        memberships__role=Role.SCHOOL_STAFF,
        memberships__is_active=True,
        memberships__is_lead=True,
    ).distinct()


def can_manage_school_staff(user: AnyUser, school: School) -> bool:
    """True for the school's care coordinator (see `schools_led_by`)."""
    return user.is_authenticated and (
        Membership.objects.active()
        .filter(user_id=user.pk, organisation_id=school.pk, role=Role.SCHOOL_STAFF, is_lead=True)
        .exists()
    )


# --- Trajectories (duos, R7-R12) -----------------------------------------------------


def trajectories_visible_to(user: AnyUser, qs: QuerySet[Trajectory]) -> QuerySet[Trajectory]:
    """The buddy sees only their own duos, and only while an approved buddy of the duo's
    programme (R17: a declined buddy loses them); school staff the duos of their school's
    (or service's) participants; a programme coordinator every duo of the programme;
    platform admins all. Regional coordinators and the funder see no duo (aggregates
    only)."""
    return _filtered(qs, _trajectory_condition(user))


def _trajectory_condition(user: AnyUser, via: str = "") -> Q | None:
    """A duo's sides: its buddy, the school or service of its participant, its programme."""
    return _duo_side_condition(
        user,
        organisations=staff_organisation_ids,
        organisation_lookup="school_id__in",
        programmes=lambda user: organisation_ids(user, Role.PROGRAMME_COORDINATOR),
        via=via,
    )


def duo_rows_visible_to(  # noqa: UP047 (see _M)
    user: AnyUser, qs: QuerySet[_M], *, via: str = "trajectory"
) -> QuerySet[_M]:
    """Rows that belong to one duo (a concern, ...): those of the duos the user sees
    (`trajectories_visible_to`), written on the row's `via` relation. The same as
    `via__in=<the visible duos>`, but a join instead of a subquery: one relation fewer
    for PostgreSQL to plan (1.4 ms for a home page's concern list, issue 17 point 4)."""
    return _filtered(qs, _trajectory_condition(user, via))


def _filtered(qs: QuerySet[_M], condition: Q | None) -> QuerySet[_M]:  # noqa: UP047 (see _M)
    return qs if condition is None else qs.filter(condition)


def _duo_side_scope(  # noqa: UP047 (see _M)
    user: AnyUser,
    qs: QuerySet[_M],
    *,
    organisations: Callable[[AnyUser], set[int]],
    organisation_lookup: str,
    programmes: Callable[[AnyUser], set[int]],
) -> QuerySet[_M]:
    """The rows of a duo's three sides (duos, proposals): see `_duo_side_condition`."""
    return _filtered(
        qs,
        _duo_side_condition(
            user,
            organisations=organisations,
            organisation_lookup=organisation_lookup,
            programmes=programmes,
        ),
    )


def _duo_side_condition(
    user: AnyUser,
    *,
    organisations: Callable[[AnyUser], set[int]],
    organisation_lookup: str,
    programmes: Callable[[AnyUser], set[int]],
    via: str = "",
) -> Q | None:
    """The approved buddy's own rows (in the programmes they are still a buddy of), the
    `organisations`' rows (found by `organisation_lookup`), the `programmes`' own; None
    for platform admins (every row), nothing for anonymous visitors. `via` names the
    relation that leads to the duo's side (none: the row is that side)."""
    nothing = Q(pk__in=[])
    if not user.is_authenticated:
        return nothing
    if is_platform_admin(user):
        return None
    on = f"{via}__" if via else ""
    # An arm that matches nothing is left out, not only false: its join would stay in
    # the query and cost PostgreSQL time to plan on every duo-scoped page (issue 17).
    condition = nothing
    if buddy_programmes := approved_buddy_programme_ids(user):
        condition |= Q(
            **{f"{on}buddy__user_id": user.pk, f"{on}programme_id__in": buddy_programmes}
        )
    if organisation_ids_ := organisations(user):
        condition |= Q(**{on + organisation_lookup: organisation_ids_})
    if programme_ids := programmes(user):
        condition |= Q(**{f"{on}programme_id__in": programme_ids})
    return condition


def can_list_trajectories(user: AnyUser) -> bool:
    """The duo list is for the people who work in duos: buddies, school staff, programme
    coordinators and platform admins (R11: the school is the buddy's tandem partner)."""
    return bool(
        roles_of(user)
        & {
            Role.BUDDY,
            Role.SCHOOL_STAFF,
            Role.SERVICE_STAFF,
            Role.PROGRAMME_COORDINATOR,
            Role.PLATFORM_ADMIN,
        }
    )


def can_start_trajectories(user: AnyUser) -> bool:
    """Programme coordinators start duos directly (matching starts them from proposals)."""
    return has_role(user, Role.PROGRAMME_COORDINATOR)


def can_start_trajectory(user: AnyUser, programme: Programme) -> bool:
    """A coordinator starts duos of their own programme only."""
    return programme.pk in organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def can_manage_trajectory(user: AnyUser, trajectory: Trajectory) -> bool:
    """The programme's coordinators fill in agreements, pause, resume and close its duos."""
    return trajectory.programme_id in organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def is_trajectory_buddy(user: AnyUser, trajectory: Trajectory) -> bool:
    """The user is the buddy of this duo, and still an approved buddy of its programme
    (R17: a declined buddy does not keep meeting a participant, nor writing about them)."""
    return (
        user.is_authenticated
        and trajectory.buddy.user_id == user.pk
        and trajectory.programme_id in approved_buddy_programme_ids(user)
    )


def is_trajectory_school_staff(user: AnyUser, trajectory: Trajectory) -> bool:
    """The user works at the school (or service) of the duo's participants: the tandem
    partner of R11, who confirms agreements (R9) and insurance (R10). For a family's duo
    that is the service that referred the family (service_staff)."""
    return trajectory.school_id in staff_organisation_ids(user)


def can_log_meeting(user: AnyUser, trajectory: Trajectory) -> bool:
    """The buddy logs and plans the duo's meetings; the programme's coordinator may do it
    for them. Whether the duo is ready for it (R9: agreements confirmed) is the service's
    check, not an access question."""
    return is_trajectory_buddy(user, trajectory) or can_manage_trajectory(user, trajectory)


def can_change_planned_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """Issue 16: the buddy or the coordinator of the duo cancels or moves a planned
    meeting (whether it is still planned and the duo still open is the service's check)."""
    return can_log_meeting(user, meeting.trajectory)


def can_correct_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """Issue 16: who logged a meeting corrects or deletes it, while they may still log the
    duo's meetings (the programme's correction window is the service's check)."""
    return (
        user.is_authenticated
        and meeting.logged_by_id == user.pk
        and can_log_meeting(user, meeting.trajectory)
    )


def can_score_wellbeing(user: AnyUser, trajectory: Trajectory) -> bool:
    """Well-being (Leuven scale) is scored by the buddy or the school [000][001]; the
    coordinator may record a score given on paper."""
    return (
        is_trajectory_buddy(user, trajectory)
        or is_trajectory_school_staff(user, trajectory)
        or can_manage_trajectory(user, trajectory)
    )


def can_read_private_notes(user: AnyUser, trajectory: Trajectory) -> bool:
    """A note private to the programme is read by the buddy who wrote it, the programme's
    coordinators and platform admins; the school never reads it, only shared notes."""
    return (
        is_trajectory_buddy(user, trajectory)
        or can_manage_trajectory(user, trajectory)
        or is_platform_admin(user)
    )


def can_see_participant_full_name(user: AnyUser, trajectory: Trajectory) -> bool:
    """A buddy sees the participant's first name only (DOMAIN.md, least privilege); the
    school, the programme's coordinators and platform admins see the full name."""
    return (
        is_trajectory_school_staff(user, trajectory)
        or can_manage_trajectory(user, trajectory)
        or is_platform_admin(user)
    )


def can_download_certificate(user: AnyUser, trajectory: Trajectory) -> bool:
    """The buddy's certificate of participation (no pupil data) is for the buddy, to hand
    to their training institution, and for the programme's coordinators who issue it."""
    return is_trajectory_buddy(user, trajectory) or can_manage_trajectory(user, trajectory)


def can_evaluate_trajectory(user: AnyUser, trajectory: Trajectory) -> bool:
    """At the end, the buddy and the school each write their own short evaluation."""
    return is_trajectory_buddy(user, trajectory) or is_trajectory_school_staff(user, trajectory)


# --- Practice database, Q&A and local services (network app, R14, R15) --------------


def regional_province_codes(user: AnyUser) -> set[str]:
    """The provinces of the regional coordinations in which the user is a coordinator."""
    ids = organisation_ids(user, Role.REGIONAL_COORDINATOR)
    if not ids:
        return set()
    cached = getattr(user, "_buddywerk_region_provinces", None)
    if cached is None:
        cached = set(
            Organisation.objects.filter(pk__in=ids, province__isnull=False).values_list(
                "province_id", flat=True
            )
        )
        user._buddywerk_region_provinces = cached  # type: ignore[union-attr]
    return cached


def can_moderate_practices(user: AnyUser) -> bool:
    """R15: sheets are moderated by platform admins and the regional coordinators (one per
    province [003]); the moderation queue is for them only."""
    return is_platform_admin(user) or bool(regional_province_codes(user))


def practice_submissions_moderated_by(
    user: AnyUser, qs: QuerySet[PracticeSubmission]
) -> QuerySet[PracticeSubmission]:
    """R15: a platform admin moderates every proposal; a regional coordinator those with a
    place in their province. Proposals still waiting for email confirmation are nobody's."""
    if not user.is_authenticated:
        return qs.none()
    qs = qs.exclude(status="unconfirmed")
    if is_platform_admin(user):
        return qs
    provinces = regional_province_codes(user)
    if not provinces:
        return qs.none()
    return qs.filter(places__province_id__in=provinces).distinct()


def can_moderate_practice(user: AnyUser, submission: PracticeSubmission) -> bool:
    """R15: whether `user` may publish, send back or reject this proposal: a platform admin,
    or the regional coordinator of a province one of the proposal's places lies in."""
    if not user.is_authenticated or submission.status == SubmissionStatus.UNCONFIRMED:
        return False
    if is_platform_admin(user):
        return True
    provinces = regional_province_codes(user)
    return bool(provinces) and submission.places.filter(province_id__in=provinces).exists()


def can_edit_questions(user: AnyUser) -> bool:
    """R14: the Q&A is edited by the umbrella organisation's platform admins."""
    return is_platform_admin(user)


def question_audiences(user: AnyUser) -> list[str]:
    """Issue 16, point 11: the Q&A audiences in whose name the user may ask a question
    (moderated by a platform admin before it shows): an approved buddy asks as a buddy,
    a school's care coordinator (lead school_staff) as a school, a programme coordinator
    as a local programme."""
    if not user.is_authenticated or not user.is_active:
        return []
    audiences = []
    if is_approved_buddy(user):
        audiences.append(Audience.BUDDIES.value)
    if schools_led_by(user, School.objects.all()).exists():
        audiences.append(Audience.SCHOOLS.value)
    if has_role(user, Role.PROGRAMME_COORDINATOR):
        audiences.append(Audience.PROGRAMMES.value)
    return audiences


def can_ask_questions(user: AnyUser) -> bool:
    return bool(question_audiences(user))


def can_use_social_map(user: AnyUser) -> bool:
    """Issue 16, point 11: the sociale kaart (local services, [004]) is in the menu of those
    who use it: platform admins and programme coordinators keep it, staff of a service
    and approved buddies of a programme with families lead families to it."""
    if is_platform_admin(user) or has_role(user, Role.PROGRAMME_COORDINATOR):
        return True
    if service_ids(user):
        return True
    return bool(_works_with_families(user, approved_buddy_programme_ids(user)))


def can_manage_local_services(user: AnyUser) -> bool:
    """The sociale kaart is kept by platform admins and programme coordinators."""
    return is_platform_admin(user) or has_role(user, Role.PROGRAMME_COORDINATOR)


def local_service_municipalities_of(
    user: AnyUser, qs: QuerySet[Municipality]
) -> QuerySet[Municipality]:
    """Issue 20: a programme coordinator keeps the sociale kaart of their programmes'
    coverage area; a platform admin every municipality's."""
    if is_platform_admin(user):
        return qs
    return qs.filter(
        programmes__pk__in=organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    ).distinct()


def local_services_kept_by(user: AnyUser, qs: QuerySet[LocalService]) -> QuerySet[LocalService]:
    """The local services the user edits (see `local_service_municipalities_of`)."""
    if not can_manage_local_services(user):
        return qs.none()
    if is_platform_admin(user):
        return qs
    return qs.filter(
        municipality__programmes__pk__in=organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    ).distinct()


def service_introduction_duos(user: AnyUser, qs: QuerySet[Trajectory]) -> QuerySet[Trajectory]:
    """[004] The duos through which a buddy introduces a family to local services: the
    user's own running duos (active or paused) with a family, in a programme where the user
    is an approved buddy (issue 11: never "a buddy somewhere in the programme").

    "Running" is active or paused, the statuses in which the duo's meetings are logged
    (trajectories.workflow.LOGGING_STATUSES): a planned duo has no confirmed agreements
    yet (R9), so its buddy has not met the family within the duo's frame and may never do
    so (planned -> closed: the duo did not start); a paused duo is still the family's duo
    (illness, holidays) and its buddy may record an introduction made before the pause. A
    closed duo gives nothing: the buddy is no longer the family's buddy."""
    programmes = approved_buddy_programme_ids(user)
    if not programmes or user.pk is None:
        return qs.none()
    return qs.filter(
        buddy__user_id=user.pk,
        programme_id__in=programmes,
        status__in=RUNNING_TRAJECTORY_STATUSES,
        participants__family__isnull=False,
    ).distinct()


def families_for_service_introduction(user: AnyUser, qs: QuerySet[Family]) -> QuerySet[Family]:
    """[004] A family's introductions to local services are read and recorded by the
    family's own buddy only: the approved buddy of a running duo with this family (see
    `service_introduction_duos`). Anyone else, buddies of the same programme included,
    finds no such family (404)."""
    duos = service_introduction_duos(user, Trajectory.objects.all())
    return qs.filter(participations__trajectory__in=duos).distinct()


def can_have_calendar_feed(user: AnyUser) -> bool:
    """A buddy's secret calendar link carries their events and planned meetings (date and
    place): it is for an approved buddy with an active account only. It stops serving
    the moment the account is deactivated or the buddy declined (issue 11)."""
    return is_approved_buddy(user)


def can_view_service_reach(user: AnyUser, programme: Programme) -> bool:
    """The programme's coordinators (and platform admins) see which services its families
    reached, as counts per service."""
    return is_platform_admin(user) or programme.pk in organisation_ids(
        user, Role.PROGRAMME_COORDINATOR
    )


# --- Academy and events (learning app, R13, R14) --------------------------------------


def can_take_modules(user: AnyUser) -> bool:
    """R14: buddies follow the academy's modules and mark them done; so do applicants while
    they are screened (a programme may require modules before a first duo). A declined
    applicant no longer does (issue 11)."""
    return is_buddy_or_applicant(user)


def event_audiences_of(user: AnyUser) -> set[str]:
    """R13, R14: the audiences of events the user belongs to. An approved buddy is a
    buddy (an applicant who is not, or no longer, approved is not: meet-ups are where the
    programme's buddies talk about their duos [004], issue 11); school staff are a
    school's; programme and regional coordinators are coordinators. Anyone of them is in a
    mixed audience (a learning network)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    audiences = set()
    if is_approved_buddy(user):
        audiences.add(EventAudience.BUDDIES.value)
    if has_role(user, Role.SCHOOL_STAFF):
        audiences.add(EventAudience.SCHOOLS.value)
    if roles_of(user) & {Role.PROGRAMME_COORDINATOR, Role.REGIONAL_COORDINATOR}:
        audiences.add(EventAudience.COORDINATORS.value)
    if audiences:
        audiences.add(EventAudience.MIXED.value)
    return audiences


def can_write_modules(user: AnyUser) -> bool:
    """Issue 20: regional coordinators (and platform admins) write the academy's modules;
    programme coordinators write modules of their own programme."""
    return (
        is_platform_admin(user)
        or has_role(user, Role.REGIONAL_COORDINATOR)
        or has_role(user, Role.PROGRAMME_COORDINATOR)
    )


def modules_written_by(user: AnyUser, qs: QuerySet[Module]) -> QuerySet[Module]:
    """The modules the user edits: the academy's (no programme) for regional coordinators,
    their programmes' own for programme coordinators, all for platform admins."""
    if is_platform_admin(user):
        return qs
    condition = Q(programme_id__in=organisation_ids(user, Role.PROGRAMME_COORDINATOR))
    if has_role(user, Role.REGIONAL_COORDINATOR):
        condition |= Q(programme__isnull=True)
    return qs.filter(condition)


def can_edit_module(user: AnyUser, module: Module) -> bool:
    """See `modules_written_by`."""
    if is_platform_admin(user):
        return True
    if module.programme_id is None:
        return has_role(user, Role.REGIONAL_COORDINATOR)
    return module.programme_id in organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def can_register_for_events(user: AnyUser) -> bool:
    """R13, R14: approved buddies, school staff and coordinators choose and register for
    the events meant for them themselves (see `event_audiences_of`)."""
    return bool(event_audiences_of(user))


def can_register_for_event(user: AnyUser, event: Event) -> bool:
    """Whether `user` is in the event's audience (and may see the event at all)."""
    return event.audience in event_audiences_of(user) and (
        events_visible_to(user, Event.objects.filter(pk=event.pk)).exists()
    )


def region_ids(user: AnyUser) -> set[int]:
    """The regional coordinations in which the user is a regional coordinator."""
    return organisation_ids(user, Role.REGIONAL_COORDINATOR)


def can_organise_events(user: AnyUser) -> bool:
    """Programme coordinators organise their programme's events; regional coordinators
    the intervisions, meet-ups and learning networks of their region (issue 20); platform
    admins the Flemish intervisions, learning networks and leersprongdagen."""
    return (
        is_platform_admin(user)
        or has_role(user, Role.PROGRAMME_COORDINATOR)
        or has_role(user, Role.REGIONAL_COORDINATOR)
    )


def events_organised_by(user: AnyUser, qs: QuerySet[Event]) -> QuerySet[Event]:
    """The events whose registrations and attendance the user manages: a platform admin all
    of them, a programme coordinator those of their programmes, a regional coordinator
    those their regional coordination organises."""
    if is_platform_admin(user):
        return qs
    return qs.filter(
        Q(programme_id__in=organisation_ids(user, Role.PROGRAMME_COORDINATOR))
        | Q(region_id__in=region_ids(user))
    )


def can_manage_event(user: AnyUser, event: Event) -> bool:
    """See `events_organised_by`."""
    return (
        is_platform_admin(user)
        or (
            event.programme_id is not None
            and event.programme_id in organisation_ids(user, Role.PROGRAMME_COORDINATOR)
        )
        or (event.region_id is not None and event.region_id in region_ids(user))
    )


def events_visible_to(user: AnyUser, qs: QuerySet[Event]) -> QuerySet[Event]:
    """Events open to everyone (no programme), and a programme's internal events for its
    coordinators and its approved buddies (see `approved_buddy_programme_ids`; an applicant
    who is waiting or was declined does not see them, R13 [004]); platform admins see
    all."""
    if is_platform_admin(user):
        return qs
    programmes = approved_buddy_programme_ids(user) | organisation_ids(
        user, Role.PROGRAMME_COORDINATOR
    )
    return qs.filter(Q(programme__isnull=True) | Q(programme_id__in=programmes))


# --- Reports (issue 7, R16) ----------------------------------------------------------


def can_view_reports(user: AnyUser) -> bool:
    """The funder's report is read by platform admins and the funder (all of Flanders and
    Brussels), regional coordinators (their province), programme coordinators (their
    programme) and city staff (their municipality; issue 14, point 3)."""
    return bool(
        roles_of(user)
        & {
            Role.PLATFORM_ADMIN,
            Role.FUNDER,
            Role.REGIONAL_COORDINATOR,
            Role.PROGRAMME_COORDINATOR,
            Role.CITY_STAFF,
        }
    )


def report_sees_everything(user: AnyUser) -> bool:
    """Platform admins and the funder may choose any province or programme."""
    return is_platform_admin(user) or has_role(user, Role.FUNDER)


def report_programmes_of(user: AnyUser, qs: QuerySet[Programme]) -> QuerySet[Programme]:
    """The programmes whose report the user may open: all for admins and the funder, those
    of their province for a regional coordinator, their own for a programme coordinator."""
    if report_sees_everything(user):
        return qs
    return qs.filter(
        Q(pk__in=organisation_ids(user, Role.PROGRAMME_COORDINATOR))
        | Q(province__in=regional_province_codes(user))
    )


def city_municipality_codes(user: AnyUser) -> set[str]:
    """The municipalities (NIS codes) of the city administrations in which the user is
    staff (issue 14, point 3)."""
    ids = organisation_ids(user, Role.CITY_STAFF)
    if not ids:
        return set()
    cached = getattr(user, _CITY_ATTR, None)
    if cached is None:
        cached = set(City.objects.filter(pk__in=ids).values_list("municipality_id", flat=True))
        setattr(user, _CITY_ATTR, cached)
    return cached


def report_municipalities_of(user: AnyUser, qs: QuerySet[Municipality]) -> QuerySet[Municipality]:
    """The municipalities whose figures the user may open (issue 14, point 3): city staff
    their own; platform admins and the funder every municipality where a programme works
    (in a programme's coverage area); a regional coordinator those of their province. Any
    other municipality does not exist for the user (the report answers 404)."""
    covered = Q(pk__in=Programme.municipalities.through.objects.values("municipality_id"))
    allowed = Q(pk__in=city_municipality_codes(user))
    if report_sees_everything(user):
        allowed |= covered
    elif provinces := regional_province_codes(user):
        allowed |= covered & Q(province__in=provinces)
    return qs.filter(allowed)


def report_is_suppressed(
    user: AnyUser,
    *,
    province: str | None,
    programme: Programme | None,
    municipality: str | None = None,
) -> bool:
    """R16: the funder sees small cells as "<5", unless the user also holds a role that sees
    this scope's figures in full (a platform admin; the regional coordinator of the
    province; the coordinator of the programme). A municipality's figures cross
    programmes and provinces (a pupil's school, a family's home), so only platform admins
    see them in full: city staff, the funder and regional coordinators read them as the
    funder does (docs/reports.md, "The city's figures")."""
    if is_platform_admin(user):
        return False
    if municipality is not None:
        return True
    if programme is not None and (
        programme.pk in organisation_ids(user, Role.PROGRAMME_COORDINATOR)
        or programme.province_id in regional_province_codes(user)
    ):
        return False
    if programme is None and province is not None and province in regional_province_codes(user):
        return False
    return True


# --- The coverage map (issue 19) -------------------------------------------------------


def can_view_coverage_map(user: AnyUser) -> bool:
    """Platform admins and the funder (Flanders and Brussels), regional coordinators
    (their province) and programme coordinators (their coverage area and where their
    waiting referrals come from). Counts only; the funder's in bands (docs/coverage.md)."""
    return bool(
        roles_of(user)
        & {
            Role.PLATFORM_ADMIN,
            Role.FUNDER,
            Role.REGIONAL_COORDINATOR,
            Role.PROGRAMME_COORDINATOR,
        }
    )


# --- The qualitative report (issue 14, point 4) ---------------------------------------


def can_configure_qualitative(user: AnyUser) -> bool:
    """The funder and platform admins open report periods, set the funder's questions, see
    who has not submitted and download the combined report."""
    return report_sees_everything(user)


def can_view_qualitative(user: AnyUser) -> bool:
    """Who has a page of qualitative reports: the funder, platform admins, and the
    coordinators who answer (per programme, per province)."""
    return can_configure_qualitative(user) or bool(
        roles_of(user) & {Role.PROGRAMME_COORDINATOR, Role.REGIONAL_COORDINATOR}
    )


def can_answer_qualitative(user: AnyUser, report: QualitativeReport) -> bool:
    """The coordinators of the programme, or the regional coordinators of the province,
    answer and submit its qualitative report; nobody else writes in it."""
    if report.programme_id is not None:
        return report.programme_id in organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    return report.province_id in regional_province_codes(user)


def can_view_qualitative_report(user: AnyUser, report: QualitativeReport) -> bool:
    """The answerers, the funder and platform admins read a qualitative report (others: 404).
    The funder reads only what was submitted (the selector hides drafts)."""
    return can_answer_qualitative(user, report) or (
        can_configure_qualitative(user) and report.status == QualitativeStatus.SUBMITTED
    )


# --- Matching (issue 4, R3, R8, R9) --------------------------------------------------


def matching_programme_ids(user: AnyUser) -> set[int]:
    """The programmes whose queue the user matches: their programme coordinators."""
    return organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def can_match(user: AnyUser, programme: Programme) -> bool:
    """A coordinator of the programme sees suggestions, runs batches, makes proposals and
    sets the programme's matching weights (R9: both profiles count)."""
    return programme.pk in matching_programme_ids(user)


def can_preview_region_batch(user: AnyUser) -> bool:
    """A regional coordinator sees what a batch over the province's queues would give, as
    figures per programme only: no pupil and no buddy by name (DOMAIN.md)."""
    return bool(regional_province_codes(user))


def proposals_visible_to(user: AnyUser, qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """An approved buddy sees the proposals made to them in the programmes they are a buddy
    of (R17: not once declined); school staff those for their school's (or service's)
    referrals; the programme's coordinators those of the programme; platform admins
    all."""
    return _duo_side_scope(
        user,
        qs,
        organisations=referrer_organisation_ids,
        organisation_lookup="referral__referrer_id__in",
        programmes=matching_programme_ids,
    )


def is_proposal_buddy(user: AnyUser, proposal: Proposal) -> bool:
    """The buddy to whom the proposal was made accepts or declines it, while an approved
    buddy of the proposal's programme (R2, R17)."""
    return (
        user.is_authenticated
        and proposal.buddy.user_id == user.pk
        and proposal.programme_id in approved_buddy_programme_ids(user)
    )


def can_confirm_proposal(user: AnyUser, proposal: Proposal) -> bool:
    """The school (or service) that made the referral confirms or refuses the buddy: the
    school keeps central direction of the pupil's learning (R4)."""
    return proposal.referral.referrer_id in referrer_organisation_ids(user)


def can_see_buddy_path(
    user: AnyUser, buddy: Buddy, *, programme_id: int, school_id: int | None = None
) -> bool:
    """Issue 21: a mentor's or role model's own path (sector, trade, tracks, tags and the
    story in their own words) is theirs to show. The coordinators of the programme in
    which the buddy is suggested, proposed or in a duo see it; the staff of the school (or
    service) of that proposal or duo see it only when the buddy chose "also the school".
    The caller passes the programme and school of the very proposal, duo or referral on
    the page, never a role held somewhere else."""
    if not user.is_authenticated:
        return False
    if programme_id in organisation_ids(user, Role.PROGRAMME_COORDINATOR):
        return True
    return (
        buddy.path_shown_to == PathShownTo.SCHOOL
        and school_id is not None
        and school_id in staff_organisation_ids(user)
    )


# --- Follow-up of duos (buddywerk.followup) and their concerns (R11, R12) --------


def can_write_tandem_note(user: AnyUser, trajectory: Trajectory) -> bool:
    """R11: the tandem is between the buddy and the school's contact (teacher or care
    coordinator); both write in it. The programme's coordinators read along."""
    return is_trajectory_buddy(user, trajectory) or is_trajectory_school_staff(user, trajectory)


def can_correct_tandem_note(user: AnyUser, note: AuthoredNote) -> bool:
    """Issue 16: the author of a tandem note corrects or deletes it, while they still write
    in the tandem (the programme's correction window is the service's check)."""
    return (
        user.is_authenticated
        and note.author_id == user.pk
        and can_write_tandem_note(user, note.trajectory)
    )


def can_read_tandem(user: AnyUser, trajectory: Trajectory) -> bool:
    """The tandem thread is read by its two sides, the programme's coordinators and
    platform admins. It holds shared notes only, never private meeting notes."""
    return (
        can_write_tandem_note(user, trajectory)
        or can_manage_trajectory(user, trajectory)
        or is_platform_admin(user)
    )


def can_raise_concern(user: AnyUser, trajectory: Trajectory) -> bool:
    """The buddy, the school (or service) and the programme's coordinators raise
    concerns about a duo."""
    return can_write_tandem_note(user, trajectory) or can_manage_trajectory(user, trajectory)


def can_acknowledge_concern(user: AnyUser, concern: Concern) -> bool:
    """A concern is acknowledged by a named person of the programme or of the school, not
    by the person who raised it (someone else must take it up)."""
    trajectory = concern.trajectory
    return (
        can_manage_trajectory(user, trajectory) or is_trajectory_school_staff(user, trajectory)
    ) and concern.raised_by_id != user.pk


def can_view_concern(user: AnyUser, concern: Concern) -> bool:
    """A concern's page (what was noticed, its outcome, its steps) is for the three sides
    of the duo, as the duo's follow-up page that lists it, and platform admins. Whether the
    duo is in the user's scope at all (404 otherwise) is `trajectories_visible_to`."""
    trajectory = concern.trajectory
    return can_raise_concern(user, trajectory) or is_platform_admin(user)


def can_see_concern_history(user: AnyUser, concern: Concern) -> bool:
    """Issue 13, point 5: the whole history of a concern, with who saw it, is for those who
    handle the case (the programme's coordinators and the school) and platform admins. The
    buddy sees its steps, not who read the concern."""
    trajectory = concern.trajectory
    return (
        can_manage_trajectory(user, trajectory)
        or is_trajectory_school_staff(user, trajectory)
        or is_platform_admin(user)
    )


def can_record_concern_outcome(user: AnyUser, concern: Concern) -> bool:
    """Issue 13, point 5: the outcome (resolved, referred to the school's care team or an
    outside service, reported to the authorities) is recorded by the programme's
    coordinators or the school (or service) of the duo: the school's care coordinator
    often makes the referral. Also on a closed duo: safeguarding outlives it."""
    trajectory = concern.trajectory
    return can_manage_trajectory(user, trajectory) or is_trajectory_school_staff(user, trajectory)


def can_close_concern(user: AnyUser, concern: Concern) -> bool:
    """Issue 13, point 5: a concern is closed by a named coordinator of the duo's programme,
    which answers for the duo (the school closes its own care file in its own system)."""
    return can_manage_trajectory(user, concern.trajectory)


def leads_programme_ids(user: AnyUser) -> set[int]:
    """The programmes whose lead the user is: a coordinator with the lead flag, or any
    coordinator of a programme without a lead (as the escalation mail reaches them;
    trajectories.concern_services.programme_lead_ids). The user's own lead flags come
    with their memberships; the programmes they do not lead take one query, cached on the
    user object for the request (forget_memberships drops it)."""
    programmes = organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    if not programmes or not user.is_authenticated:
        return set()
    cached: set[int] | None = getattr(user, _LEADS_ATTR, None)
    if cached is None:
        own: set[int] = getattr(user, _OWN_LEADS_ATTR, set()) & programmes
        cached = set(own)
        if others := programmes - own:
            with_lead = Membership.objects.active().filter(
                role=Role.PROGRAMME_COORDINATOR, organisation_id__in=others, is_lead=True
            )
            cached |= others - set(with_lead.values_list("organisation_id", flat=True))
        setattr(user, _LEADS_ATTR, cached)
    return set(cached)


def can_see_stale_concerns(user: AnyUser) -> bool:
    """Issue 13, point 5: a concern still not closed after 30 days shows on the home page
    of the programme's lead."""
    return bool(leads_programme_ids(user))


def can_follow_up_duo(user: AnyUser, trajectory: Trajectory) -> bool:
    """R12: the kijkwijzer, its follow-up actions and the check-ins are the programme
    coordinator's quality follow-up of the programme's duos."""
    return can_manage_trajectory(user, trajectory)


def can_view_followup_overview(user: AnyUser) -> bool:
    """The overview of a programme's duos with their health is for its coordinators."""
    return has_role(user, Role.PROGRAMME_COORDINATOR)


def can_answer_survey(user: AnyUser, trajectory: Trajectory, respondent: str) -> bool:
    """The buddy fills in their own relationship survey; the school or the coordinator
    records the participant's (or parent's) answers."""
    if respondent == "buddy":
        return is_trajectory_buddy(user, trajectory)
    return is_trajectory_school_staff(user, trajectory) or can_manage_trajectory(user, trajectory)


def can_configure_kijkwijzer(user: AnyUser, programme: Programme) -> bool:
    """R12: a programme's coordinators set the criteria of its kijkwijzer."""
    return programme.pk in organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def can_activate_trajectory(user: AnyUser, trajectory: Trajectory) -> bool:
    """R9: a duo becomes active once both sides confirmed the agreements; the side that
    confirms last activates it, and the programme's coordinator may do so too."""
    return (
        is_trajectory_buddy(user, trajectory)
        or is_trajectory_school_staff(user, trajectory)
        or can_manage_trajectory(user, trajectory)
    )


def can_cancel_registration(user: AnyUser, registration: Registration) -> bool:
    """R13: a person cancels their own registration; the event's organiser may cancel it
    for them."""
    return (user.is_authenticated and registration.user_id == user.pk) or can_manage_event(
        user, registration.event
    )


# --- Menus and pages without an object (asked by templates as `can.<name>`) -----------


def can_screen_applicants(user: AnyUser) -> bool:
    """The screening queue is for the coordinators of at least one programme (R2, R3)."""
    return bool(screening_programmes_of(user))


def can_use_matching(user: AnyUser) -> bool:
    """The matching home is for programme coordinators, and for regional coordinators who
    preview a province's batch as figures."""
    return bool(matching_programme_ids(user)) or can_preview_region_batch(user)


def can_answer_proposals(user: AnyUser) -> bool:
    """A buddy answers the proposals made to them; a school or service confirms or refuses
    the buddy for its referrals (R4)."""
    return _buddy_status(user) is not None or bool(referrer_organisation_ids(user))


def can_see_school_staff(user: AnyUser) -> bool:
    """School staff reach their school's staff page; which school they lead decides what
    they may change there."""
    return has_role(user, Role.SCHOOL_STAFF)


def can_list_events(user: AnyUser) -> bool:
    """Every signed-in person sees the events open to them (R13, R14)."""
    return user.is_authenticated


def can_match_referrals(user: AnyUser) -> bool:
    """Suggestions and proposals per referral are for the coordinators of a programme
    (see `can_match` for one programme)."""
    return bool(matching_programme_ids(user))


def can_see_every_programme(user: AnyUser) -> bool:
    """Lists across programmes (the queue, reports) show which programme a row belongs to
    to those who see every programme: platform admins."""
    return is_platform_admin(user)


# --- Trajectories and follow-up (V2) ---


def duo_is_read_only(trajectory: Trajectory) -> bool:
    """A closed duo is read-only: its record stays as it was at the closure (R7-R12), so
    nothing is added to it or changed (meetings, scores, agreements, status, tandem notes,
    kijkwijzers, actions, check-ins, surveys, concerns). Decided here only: every service
    refuses through `trajectories.read_only.duo_refuse_if_read_only`, every view and
    template that offers a change asks this. Two writes stay open on purpose: a side that
    has not written its evaluation yet adds it once (`can_write_evaluation`), and a concern
    raised before the closure is still followed up: acknowledged, given an outcome and
    closed (issue 13, point 5: safeguarding outlives the duo). A new concern is not raised
    on a closed duo: the relationship has ended, so one goes to the coordinator directly."""
    return trajectory.status == "closed"


def can_read_followup(user: AnyUser, trajectory: Trajectory) -> bool:
    """R12: the duo's quality follow-up (health, kijkwijzers, actions, check-ins) is read by
    the programme's coordinators who keep it, and by platform admins."""
    return can_follow_up_duo(user, trajectory) or is_platform_admin(user)


def can_confirm_agreements(user: AnyUser, trajectory: Trajectory) -> bool:
    """R9: the buddy and the school (or service) each confirm the duo's agreements."""
    return is_trajectory_buddy(user, trajectory) or is_trajectory_school_staff(user, trajectory)


def can_confirm_school_insurance(user: AnyUser, trajectory: Trajectory) -> bool:
    """R10: the school confirms that its insurance covers a volunteer buddy at school."""
    return is_trajectory_school_staff(user, trajectory)


def can_write_evaluation(user: AnyUser, trajectory: Trajectory) -> bool:
    """The buddy and the school each write their own evaluation once the duo has started;
    it can be changed while the duo runs. A closed duo is read-only, but a side that has
    not written one yet adds it once after the closure."""
    if not can_evaluate_trajectory(user, trajectory) or trajectory.status == "planned":
        return False
    own = (
        trajectory.buddy_evaluation
        if is_trajectory_buddy(user, trajectory)
        else trajectory.school_evaluation
    )
    return not (duo_is_read_only(trajectory) and own)


def can_see_open_concerns(user: AnyUser) -> bool:
    """The home page lists the open concerns of the duos a programme coordinator follows
    up, so that someone takes each up in time (concerns escalate after 2 working days)."""
    return has_role(user, Role.PROGRAMME_COORDINATOR)


# --- Buddies, learning, matching, network (V3) ---


def programmes_screened_by(user: AnyUser, qs: QuerySet[Programme]) -> QuerySet[Programme]:
    """The programmes whose applicants the user screens (R2, R3; see `can_screen_buddies`)."""
    return qs.filter(pk__in=screening_programmes_of(user))


def can_import_any_buddies(user: AnyUser) -> bool:
    """The import pages are for the coordinators of at least one programme; which
    programme's import they reach is `can_import_buddies`."""
    return bool(screening_programmes_of(user))


def can_read_meetup_notes(user: AnyUser, programme: Programme) -> bool:
    """[004] What buddies raise at a programme's meet-ups feeds back to that programme's
    coordinators (and platform admins), nobody else."""
    return is_platform_admin(user) or programme.pk in organisation_ids(
        user, Role.PROGRAMME_COORDINATOR
    )


def can_set_required_modules(user: AnyUser, programme: Programme) -> bool:
    """R14 (issue 6): a programme's coordinators (and platform admins) choose the academy
    modules its buddies complete before a first duo."""
    return is_platform_admin(user) or programme.pk in organisation_ids(
        user, Role.PROGRAMME_COORDINATOR
    )


def programmes_matched_by(user: AnyUser, qs: QuerySet[Programme]) -> QuerySet[Programme]:
    """The programmes whose queue the user matches (R8, R9; see `can_match`)."""
    return qs.filter(pk__in=matching_programme_ids(user))


def can_see_proposals_as_buddy(user: AnyUser) -> bool:
    """Someone with a buddy profile has a list of the proposals made to them (R9); it
    stays empty unless they are an approved buddy (see `proposals_visible_to`)."""
    return _buddy_status(user) is not None


def can_see_proposal_in_full(user: AnyUser, proposal: Proposal) -> bool:
    """DOMAIN.md: the buddy sees the participant's first name and needs only; the school
    that referred (R4), the programme's matchers (R9) and platform admins see the full
    name, the school and the proposal's history."""
    return (
        can_confirm_proposal(user, proposal)
        or can_match(user, proposal.programme)
        or is_platform_admin(user)
    )


def can_view_services_reached(user: AnyUser) -> bool:
    """The services-reached pages are for programme coordinators and platform admins;
    which programme's counts they see is `can_view_service_reach`."""
    return is_platform_admin(user) or has_role(user, Role.PROGRAMME_COORDINATOR)


def programmes_organised_by(user: AnyUser, qs: QuerySet[Programme]) -> QuerySet[Programme]:
    """The programmes whose events the user organises (see `can_organise_events`): a
    platform admin every programme, a programme coordinator their own."""
    if is_platform_admin(user):
        return qs
    return qs.filter(pk__in=organisation_ids(user, Role.PROGRAMME_COORDINATOR))


def can_organise_events_for_everyone(user: AnyUser) -> bool:
    """R13, R14: an event open to every programme (the Flemish intervisions, learning
    networks and leersprongdagen) is organised by the umbrella organisation's platform
    admins or by a regional coordination (issue 20); a programme coordinator's events
    belong to one of their programmes."""
    return is_platform_admin(user) or bool(region_ids(user))


# --- Safeguarding over the life of a duo (issue 13) ---


def can_read_safeguarding_reason(user: AnyUser, programme: Programme) -> bool:
    """Issue 13, R2: why the safeguarding cascade paused a duo or withdrew a proposal (the
    buddy was suspended or declined, or the extract ran out) is the buddy's matter: only
    the programme's coordinators and platform admins read it. The school, the service and
    the buddy read "paused by the programme"."""
    return is_platform_admin(user) or programme.pk in organisation_ids(
        user, Role.PROGRAMME_COORDINATOR
    )


# --- The API (issue 18) ---


def can_create_api_tokens(user: AnyUser) -> bool:
    """Staff of a school or service, coordinators, the funder and platform admins make
    personal API tokens for their software (after 2FA, which their roles require); a
    token never reaches further than its owner's pages (the same predicates decide)."""
    return user.is_authenticated and user.is_active and bool(roles_of(user) & ROLES_REQUIRING_MFA)


# --- Privacy: access on request and the processing register (issue 15, points 5-6) ---


def access_export_programme_ids(user: AnyUser) -> set[int] | None:
    """R18, GDPR Art. 15: the programmes whose data a user may export for a pupil or a
    family who asks for it: a coordinator's own programmes (each programme answers for
    what it holds); None for a platform admin (every programme); empty for everyone else."""
    if is_platform_admin(user):
        return None
    return organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def _access_export_scope(user: AnyUser) -> Q | None:
    programmes = access_export_programme_ids(user)
    if programmes is None:
        return Q()
    if not programmes:
        return None
    return Q(referrals__programme_id__in=programmes, referrals__submitted_at__isnull=False)


def pupils_for_access_export(user: AnyUser, qs: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Pupils with a submitted referral (and so any duo) in a programme the user may export
    for (see `access_export_programme_ids`). School staff and buddies: none."""
    condition = _access_export_scope(user)
    return qs.none() if condition is None else qs.filter(condition).distinct()


def families_for_access_export(user: AnyUser, qs: QuerySet[Family]) -> QuerySet[Family]:
    """Families, as `pupils_for_access_export`."""
    condition = _access_export_scope(user)
    return qs.none() if condition is None else qs.filter(condition).distinct()


def can_export_own_data(user: AnyUser) -> bool:
    """GDPR Art. 15: anyone with a buddy profile downloads what Buddywerk holds about them,
    whatever the screening decided (a declined applicant has the same right)."""
    return user.is_authenticated and user.is_active and _buddy_status(user) is not None


def can_view_processing_register(user: AnyUser) -> bool:
    """GDPR Art. 30: the processing register is for the umbrella organisation's admins."""
    return is_platform_admin(user)


def can_make_access_exports(user: AnyUser) -> bool:
    """Programme coordinators and platform admins answer access requests (the pupils and
    families in scope are `pupils_for_access_export`)."""
    return has_role(user, Role.PROGRAMME_COORDINATOR) or is_platform_admin(user)


# --- Privacy: erasure on request (issue 15 point 4; GDPR Art. 17) ---


def can_request_erasures(user: AnyUser) -> bool:
    """A coordinator asks for a pupil's or family's erasure (on the parent's request,
    through the school or service), as for access: the children in scope are
    `pupils_for_access_export`; a platform admin for every programme."""
    return can_make_access_exports(user)


def can_request_own_erasure(user: AnyUser) -> bool:
    """GDPR Art. 17: anyone with a buddy profile asks to erase their own account, as they
    download their own data (`can_export_own_data`)."""
    return can_export_own_data(user)


def erasure_requests_visible_to(
    user: AnyUser, qs: QuerySet[ErasureRequest]
) -> QuerySet[ErasureRequest]:
    """A platform admin sees every request; a coordinator those of their programmes; a
    buddy their own; anyone the requests they made."""
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    condition = Q(requested_by_id=user.pk) | Q(buddy__user_id=user.pk)
    programmes = organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    if programmes:
        condition |= Q(programme_id__in=programmes)
    return qs.filter(condition)


def _may_decide_erasure(user: AnyUser, request: ErasureRequest) -> bool:
    if is_platform_admin(user):
        return True
    return request.programme_id is not None and request.programme_id in organisation_ids(
        user, Role.PROGRAMME_COORDINATOR
    )


def can_confirm_erasure(user: AnyUser, request: ErasureRequest) -> bool:
    """Four eyes: a second person confirms an erasure, never the one who asked for it: another
    coordinator of the request's programme, or a platform admin (a buddy's own request:
    a platform admin)."""
    return (
        user.is_authenticated
        and user.pk != request.requested_by_id
        and _may_decide_erasure(user, request)
    )


def can_refuse_erasure(user: AnyUser, request: ErasureRequest) -> bool:
    """Whoever may confirm may refuse instead (with a reason the requester reads)."""
    return can_confirm_erasure(user, request)


def can_cancel_erasure(user: AnyUser, request: ErasureRequest) -> bool:
    """The person who asked takes a request back before it is confirmed."""
    return user.is_authenticated and user.pk == request.requested_by_id


def webhook_organisation_ids(user: AnyUser) -> set[int]:
    """The schools and services whose webhook the user manages and whose delivery log they
    read: the ones in whose name they refer (issue 18)."""
    return referrer_organisation_ids(user)


def can_manage_webhooks(user: AnyUser) -> bool:
    """Staff of a school or service subscribe its webhook for status changes."""
    return bool(webhook_organisation_ids(user))


# --- Volunteer expenses (issue 21, points 4 and 6) ---------------------------------------


def can_claim_expenses(user: AnyUser) -> bool:
    """An approved buddy claims their own costs (R2, R17: not an applicant), in the
    programmes where they are a buddy."""
    return bool(approved_buddy_programme_ids(user))


def expense_programme_ids(user: AnyUser) -> set[int]:
    """The programmes whose claims the user decides, pays and exports: their own as a
    programme coordinator."""
    return organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def can_decide_expenses(user: AnyUser) -> bool:
    """Sees the queue of claims to decide (a programme coordinator)."""
    return bool(expense_programme_ids(user))


def expense_claims_visible_to(user: AnyUser, qs: QuerySet[ExpenseClaim]) -> QuerySet[ExpenseClaim]:
    """Issue 21, point 6: a buddy sees only their own claims; the coordinators of the
    claim's programme see the programme's claims. Nobody else sees a claim (the funder and
    platform admins read totals only, through expenses.selectors.expenses_paid)."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(Q(claimant_id=user.pk) | Q(programme_id__in=expense_programme_ids(user)))


def is_expense_claimant(user: AnyUser, claim: ExpenseClaim) -> bool:
    """The buddy who made the claim, still an approved buddy of its programme."""
    return (
        user.is_authenticated
        and claim.claimant_id == user.pk
        and claim.programme_id in approved_buddy_programme_ids(user)
    )


def can_decide_expense_claim(user: AnyUser, claim: ExpenseClaim) -> bool:
    """A coordinator of the claim's programme approves, refuses and pays it; never their
    own claim (four eyes on money)."""
    return (
        user.is_authenticated
        and claim.programme_id in expense_programme_ids(user)
        and claim.claimant_id != user.pk
    )


def can_view_expense_receipt(user: AnyUser, line: ExpenseLine) -> bool:
    """A receipt is served to the claimant and the programme's coordinators only."""
    claim = line.claim
    return user.is_authenticated and (
        claim.claimant_id == user.pk or claim.programme_id in expense_programme_ids(user)
    )


def can_set_expense_years(user: AnyUser) -> bool:
    """The legal ceilings per calendar year are set by platform admins (audited)."""
    return is_platform_admin(user)


# --- Study grants and the programme's money (issue 21, points 3, 5 and 6) ---------------


def _grant_programme_id(grant: Grant) -> int:
    programme_id: int = grant.fund.programme_id
    return programme_id


def can_manage_finances(user: AnyUser, programme: Programme) -> bool:
    """A programme's coordinators set its grant fund and budget and enter the money it
    received and spent (with receipts)."""
    return programme.pk in organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def costs_visible_to(user: AnyUser, qs: QuerySet[Cost]) -> QuerySet[Cost]:
    """The costs a programme entered with their receipts (issue 21, point 5) are seen by
    that programme's coordinators only; the funder, regional coordinators and platform
    admins read them as totals in the financial report (funds/financial.py)."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(programme_id__in=organisation_ids(user, Role.PROGRAMME_COORDINATOR))


def can_view_cost_receipt(user: AnyUser, cost: Cost) -> bool:
    """A cost's receipt is downloaded by the coordinators of the programme that entered it
    (the same people who enter costs: can_manage_finances), nobody else (point 6)."""
    return (
        user.is_authenticated
        and user.is_active
        and cost.programme_id in organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    )


def can_request_grant(user: AnyUser, trajectory: Trajectory) -> bool:
    """R19: a grant is asked for a pupil in a duo by the people who know the pupil's dream:
    the duo's buddy or mentor (while an approved buddy), the pupil's school, or the
    programme's coordinators on their behalf."""
    return (
        is_trajectory_buddy(user, trajectory)
        or is_trajectory_school_staff(user, trajectory)
        or can_manage_trajectory(user, trajectory)
    )


def can_submit_grant(user: AnyUser, grant: Grant) -> bool:
    """The requester sends their own draft (or a coordinator of the programme does)."""
    return (user.is_authenticated and grant.requested_by_id == user.pk) or (
        _grant_programme_id(grant) in organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    )


def can_decide_grant(user: AnyUser, grant: Grant) -> bool:
    """Four-eyes (issue 21, point 3): two coordinators of the programme decide, and the
    person who requested the grant is never one of them. That the second differs from the
    first is the approval service's check (and a database constraint)."""
    return (
        _grant_programme_id(grant) in organisation_ids(user, Role.PROGRAMME_COORDINATOR)
        and grant.requested_by_id != user.pk
    )


def can_pay_grant(user: AnyUser, grant: Grant) -> bool:
    """The programme's coordinators record payments and close a justified grant."""
    return _grant_programme_id(grant) in organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def can_justify_grant(user: AnyUser, grant: Grant) -> bool:
    """The receipt is uploaded by the requester, the duo's buddy or a coordinator."""
    if can_pay_grant(user, grant):
        return True
    if not user.is_authenticated:
        return False
    if grant.requested_by_id == user.pk:
        return True
    return grant.trajectory is not None and is_trajectory_buddy(user, grant.trajectory)


def grants_visible_to(user: AnyUser, qs: QuerySet[Grant]) -> QuerySet[Grant]:
    """A grant is seen by the programme's coordinators, the school of its pupil (issue 21,
    point 6), the buddy of its duo (while approved) and its requester; platform admins see
    all. The funder and regional coordinators see totals only (funds/financial.py)."""
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    condition = Q(requested_by_id=user.pk) | Q(
        trajectory__buddy__user_id=user.pk,
        trajectory__programme_id__in=approved_buddy_programme_ids(user),
    )
    if schools := organisation_ids(user, Role.SCHOOL_STAFF):
        condition |= Q(pupil__school_id__in=schools)
    if programmes := organisation_ids(user, Role.PROGRAMME_COORDINATOR):
        condition |= Q(fund__programme_id__in=programmes)
    return qs.filter(condition)


def can_list_grants(user: AnyUser) -> bool:
    """The grants list (menu): the programmes' coordinators see their programmes' grants,
    schools their own pupils' grants (grants_visible_to), platform admins all."""
    return bool(
        is_platform_admin(user)
        or organisation_ids(user, Role.PROGRAMME_COORDINATOR)
        or organisation_ids(user, Role.SCHOOL_STAFF)
    )


def can_view_grant(user: AnyUser, grant: Grant) -> bool:
    """Who sees one grant, its payments and its receipts (the same scope as the list)."""
    return grants_visible_to(user, Grant.objects.filter(pk=grant.pk)).exists()


def can_view_financial_report(user: AnyUser) -> bool:
    """The financial report (issue 21, point 5) goes with the funder's report: platform
    admins and the funder (all), regional coordinators (their province) and programme
    coordinators (their programme). City staff read no money: it is not per municipality."""
    return bool(
        roles_of(user)
        & {
            Role.PLATFORM_ADMIN,
            Role.FUNDER,
            Role.REGIONAL_COORDINATOR,
            Role.PROGRAMME_COORDINATOR,
        }
    )


# --- Internships and hours (issue 20, points 1 and 5) ---------------------------------


def supervised_institution_ids(user: AnyUser) -> set[int]:
    """The teacher-training institutions in which the user is an internship supervisor."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return organisation_ids(user, Role.INTERNSHIP_SUPERVISOR)


def can_list_students(user: AnyUser) -> bool:
    """Internship supervisors follow their institution's students."""
    return bool(supervised_institution_ids(user))


def students_visible_to(user: AnyUser, qs: QuerySet[Buddy]) -> QuerySet[Buddy]:
    """A supervisor's students: buddies who named the supervisor's institution AND agreed
    to share with it (a consent in force, for that same institution). Without the consent
    the buddy does not exist for the supervisor (404), whatever the buddy's institution."""
    institutions = supervised_institution_ids(user)
    if not institutions:
        return qs.none()
    consent = SharingConsent.objects.in_force().filter(
        buddy=OuterRef("pk"), institution=OuterRef("training_institution")
    )
    return qs.filter(training_institution_id__in=institutions).filter(Exists(consent))


def institutions_led_by(
    user: AnyUser, qs: QuerySet[TrainingInstitution]
) -> QuerySet[TrainingInstitution]:
    """The institutions whose supervisors the user invites: every one for a platform admin,
    else those where the user is the institution's contact (a lead supervisor)."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_platform_admin(user):
        return qs
    led = Membership.objects.active().filter(
        user_id=user.pk, role=Role.INTERNSHIP_SUPERVISOR, is_lead=True
    )
    return qs.filter(pk__in=led.values("organisation_id"))


def can_invite_supervisors(user: AnyUser, institution: TrainingInstitution) -> bool:
    """The institution's contact or a platform admin invites its supervisors."""
    return institutions_led_by(user, TrainingInstitution.objects.filter(pk=institution.pk)).exists()


def can_see_supervisor_pages(user: AnyUser) -> bool:
    """The supervisors' staff page: a platform admin or an institution's contact."""
    if is_platform_admin(user):
        return True
    return can_list_students(user) and (
        institutions_led_by(user, TrainingInstitution.objects.all()).exists()
    )


def can_manage_partnerships(user: AnyUser) -> bool:
    """Platform admins record every partnership; a programme's coordinators their own."""
    return is_platform_admin(user) or has_role(user, Role.PROGRAMME_COORDINATOR)


def partnership_programmes_of(user: AnyUser, qs: QuerySet[Programme]) -> QuerySet[Programme]:
    """The programmes whose partnerships the user records."""
    if is_platform_admin(user):
        return qs
    return qs.filter(pk__in=organisation_ids(user, Role.PROGRAMME_COORDINATOR))


def partnerships_visible_to(
    user: AnyUser, qs: QuerySet[InstitutionPartnership]
) -> QuerySet[InstitutionPartnership]:
    if is_platform_admin(user):
        return qs
    return qs.filter(programme_id__in=organisation_ids(user, Role.PROGRAMME_COORDINATOR))


def can_share_with_institution(user: AnyUser) -> bool:
    """A buddy (or applicant) decides whether their institution sees their internship file."""
    return is_buddy_or_applicant(user)


def can_view_own_hours(user: AnyUser) -> bool:
    """A buddy sees their hours per school year and downloads the attestation (point 5)."""
    return is_approved_buddy(user)


def hour_total_programmes_of(user: AnyUser, qs: QuerySet[Programme]) -> QuerySet[Programme]:
    """The programmes whose buddies' total hours the user sees: their coordinators'."""
    if is_platform_admin(user):
        return qs
    return qs.filter(pk__in=organisation_ids(user, Role.PROGRAMME_COORDINATOR))


def can_view_hour_totals(user: AnyUser) -> bool:
    return has_role(user, Role.PROGRAMME_COORDINATOR) or is_platform_admin(user)


# --- Issue 20, point 4: family programmes -----------------------------------------------


def group_activity_programme_ids(user: AnyUser) -> set[int]:
    """The programmes working with families that the user coordinates: they plan group
    activities and keep the families' message texts."""
    return _works_with_families(user, organisation_ids(user, Role.PROGRAMME_COORDINATOR))


def can_plan_group_activities(user: AnyUser) -> bool:
    """A coordinator of a family programme plans group activities for its families."""
    return bool(group_activity_programme_ids(user))


def group_activities_visible_to(
    user: AnyUser, qs: QuerySet[GroupActivity]
) -> QuerySet[GroupActivity]:
    return qs.filter(programme_id__in=group_activity_programme_ids(user))


def can_manage_group_activity(user: AnyUser, activity: GroupActivity) -> bool:
    """Its programme's coordinator takes attendance or cancels a group activity."""
    return activity.programme_id in group_activity_programme_ids(user)


def can_keep_message_templates(user: AnyUser, programme: Programme) -> bool:
    """A family programme's coordinator keeps its message texts per language."""
    return programme.pk in group_activity_programme_ids(user)


def family_contact_duos(user: AnyUser, qs: QuerySet[Trajectory]) -> QuerySet[Trajectory]:
    """The duos through which a coordinator records a family's contact person for short
    messages: running duos (active or paused: the ones whose meetings are reminded of)
    with a family, in a family programme the user coordinates. Any other duo, a closed
    one included, is not found (404)."""
    programmes = group_activity_programme_ids(user)
    if not programmes:
        return qs.none()
    return qs.filter(
        programme_id__in=programmes,
        status__in=RUNNING_TRAJECTORY_STATUSES,
        participants__family__isnull=False,
    ).distinct()


def can_record_family_contact(user: AnyUser, trajectory: Trajectory) -> bool:
    """Whether `family_contact_duos` holds the duo, asked of one duo already read with its
    programme and its participants (the duo's page): no query."""
    return (
        trajectory.programme_id in organisation_ids(user, Role.PROGRAMME_COORDINATOR)
        and trajectory.programme.participant_kind
        in (ParticipantKind.FAMILIES, ParticipantKind.BOTH)
        and trajectory.status in RUNNING_TRAJECTORY_STATUSES
        and any(participant.family_id for participant in trajectory.participants.all())
    )


def family_message_programmes(user: AnyUser, family: Family) -> list[Programme]:
    """The family programmes the user coordinates that run a duo with the family."""
    duos = family_contact_duos(user, Trajectory.objects.filter(participants__family=family))
    return list(Programme.objects.filter(pk__in=duos.values("programme_id")))


def can_manage_family_messages(user: AnyUser, family: Family) -> bool:
    """The coordinators of the programme of a running duo with the family record (and
    withdraw) how its contact person wants short messages."""
    return bool(family_message_programmes(user, family))


# --- Issue 20, point 3: services and their staff ---------------------------------------


def services_registered_by(user: AnyUser, qs: QuerySet[Service]) -> QuerySet[Service]:
    """The services the user registers and whose staff they invite: every service for a
    platform admin; for a regional coordinator, those in a municipality of their province
    (R: one regional coordinator per province [003])."""
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    provinces = regional_province_codes(user)
    if not provinces:
        return qs.none()
    return qs.filter(municipality__province_id__in=provinces)


def service_municipalities_of(user: AnyUser, qs: QuerySet[Municipality]) -> QuerySet[Municipality]:
    """Where the user may register a service: anywhere for a platform admin, their own
    province for a regional coordinator."""
    if is_platform_admin(user):
        return qs
    provinces = regional_province_codes(user)
    if not provinces:
        return qs.none()
    return qs.filter(province_id__in=provinces)


def can_register_services(user: AnyUser) -> bool:
    """A platform admin or a regional coordinator (for their province) registers services
    and invites their staff; the list of services is their page."""
    return is_platform_admin(user) or bool(regional_province_codes(user))


def can_manage_service(user: AnyUser, service: Service) -> bool:
    """Edit the service and invite or revoke its staff (see `services_registered_by`)."""
    return services_registered_by(user, Service.objects.filter(pk=service.pk)).exists()


def can_see_service_pages(user: AnyUser) -> bool:
    """A service's staff reach their service's page (its details, its colleagues and the
    families it referred)."""
    return bool(service_ids(user))


def services_of_staff(user: AnyUser, qs: QuerySet[Service]) -> QuerySet[Service]:
    """The services the user works for (service_staff)."""
    return qs.filter(pk__in=service_ids(user))
