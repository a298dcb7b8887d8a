"""factory_boy factories for the core models, with traits where a state matters."""

import datetime as dt
import itertools

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import Buddy, BuddyKind, ScreeningStatus
from buddywerk.geo.models import Municipality, Postcode
from buddywerk.organisations.models import (
    Organisation,
    OrganisationKind,
    ParticipantKind,
    Programme,
    School,
    SchoolLevel,
    Service,
    ServiceKind,
)
from buddywerk.referrals.models import (
    Family,
    Pupil,
    Referral,
    ReferralStatus,
    school_year_start,
    usual_age,
)

TEST_PASSWORD = "Test-password-2026"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def postcode(code: str = "2800") -> Postcode:
    return Postcode.objects.select_related("municipality__province").get(code=code)


class PlainName(factory.Faker):
    """A Flemish name as a page shows it. Faker gives names such as D'hondt, which HTML
    escapes: `name in page` then fails, and the privacy checks `name not in page` pass
    whatever the page shows. Without the apostrophe both mean what they say."""

    def __init__(self, provider: str) -> None:
        super().__init__(provider, locale="nl_BE")

    def evaluate(self, instance, step, extra):
        return super().evaluate(instance, step, extra).replace("'", "")


_name_tags = itertools.count()


def _tag(n: int) -> str:
    """Letters only, so the name still reads as a word: 0 -> "xa", 26 -> "xba"."""
    letters = ""
    while True:
        n, rest = divmod(n, 26)
        letters = chr(ord("a") + rest) + letters
        if not n:
            return "x" + letters


class DistinctName(PlainName):
    """A plain name that no other record of the test shares. Faker draws from a few
    hundred names, so a pupil called Peeters met a coordinator called Barbara Peeters
    and `pupil.last_name not in page` failed on a page that named no pupil. The tag
    makes every privacy check about this one person."""

    def evaluate(self, instance, step, extra):
        return super().evaluate(instance, step, extra) + _tag(next(_name_tags))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = DistinctName("first_name")
    last_name = DistinctName("last_name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def enrol_totp(user: User) -> None:
    TOTP.activate(user, TEST_TOTP_SECRET)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.SERVICE


class ServiceFactory(factory.django.DjangoModelFactory):
    """Issue 20: a registered service (with its details), in Mechelen by default."""

    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    kind = OrganisationKind.SERVICE
    service_kind = ServiceKind.WELCOME_OFFICE
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(nis_code="12025"))
    province = factory.LazyAttribute(lambda o: o.municipality.province)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Buddy programme {n}")
    kind = OrganisationKind.PROGRAMME
    participant_kind = ParticipantKind.PUPILS

    @factory.post_generation
    def municipalities(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.municipalities.set(extracted or Municipality.objects.filter(nis_code="12025"))


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")
    kind = OrganisationKind.SCHOOL
    school_number = factory.Sequence(lambda n: f"{100000 + n}")
    level = SchoolLevel.PRIMARY
    street = "Schoolstraat 1"
    postcode = factory.LazyFunction(postcode)
    municipality = factory.LazyAttribute(lambda o: o.postcode.municipality)
    province = factory.LazyAttribute(lambda o: o.postcode.municipality.province)
    confirmed_at = factory.LazyFunction(timezone.now)


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    first_name = DistinctName("first_name")
    last_name = DistinctName("last_name")
    school_year = 6
    birth_year = factory.LazyAttribute(lambda o: school_year_start() - usual_age(o.school_year))


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    referred_by = factory.SubFactory(OrganisationFactory)
    contact_name = DistinctName("name")
    household_size = 4
    children_ages = [6, 9]
    languages = ["ar"]
    contact_language = "ar"
    postcode = factory.LazyFunction(lambda: postcode("9000"))


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    programme = factory.SubFactory(ProgrammeFactory)
    pupil = factory.SubFactory(PupilFactory)
    referrer = factory.LazyAttribute(lambda o: o.pupil.school if o.pupil else o.family.referred_by)
    status = ReferralStatus.SUBMITTED
    needs = factory.LazyFunction(lambda: ["maths", "wellbeing"])
    criteria = factory.LazyFunction(lambda: ["motivated", "needs_push"])
    goals = factory.LazyFunction(lambda: [])
    meeting_modes = factory.LazyFunction(lambda: ["school"])
    time_slots = factory.LazyFunction(lambda: ["mon-pm", "wed-pm"])
    consent_given_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=2))
    consent_given_by = "mother"
    consent_giver = "parent"
    consent_method = "paper"

    class Params:
        draft = factory.Trait(status=ReferralStatus.DRAFT)
        matched = factory.Trait(status=ReferralStatus.MATCHED)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Create a draft, then walk it through the transition services to the status asked
        for (a real transition log; nothing sets a status by hand)."""
        from buddywerk.referrals.services import referral_walk

        status = kwargs.pop("status", ReferralStatus.SUBMITTED)
        referral = super()._create(model_class, *args, **kwargs)
        return referral_walk(actor=None, referral=referral, to_status=status, reason="Test")


class FamilyReferralFactory(ReferralFactory):
    """A service's referral of a family to a family programme [004]."""

    programme = factory.SubFactory(
        ProgrammeFactory,
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=factory.LazyFunction(lambda: Municipality.objects.filter(nis_code="44021")),
    )
    pupil = None
    family = factory.SubFactory(FamilyFactory)
    needs = factory.LazyFunction(lambda: ["family"])
    criteria = factory.LazyFunction(lambda: [])
    goals = factory.LazyFunction(lambda: ["network", "dutch_practice"])
    meeting_modes = factory.LazyFunction(lambda: ["home"])
    consent_giver = "family"


class BuddyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buddy
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    kind = BuddyKind.STUDENT
    status = ScreeningStatus.APPROVED
    extract_seen_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    home_postcode = factory.LazyFunction(postcode)
    capacity = 1

    @factory.post_generation
    def programmes(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.programmes.set(extracted)


def member(user: User, organisation: Organisation, role: Role, *, is_lead: bool = False) -> User:
    """Give `user` a role, enrolling TOTP when the role needs it (so tests reach the page)."""
    from buddywerk.access.models import ROLES_REQUIRING_MFA
    from buddywerk.access.policy import forget_memberships

    Membership.objects.create(user=user, organisation=organisation, role=role, is_lead=is_lead)
    forget_memberships(user)  # as membership_grant does: the cached roles are stale now
    if role in ROLES_REQUIRING_MFA and not user.authenticator_set.exists():
        enrol_totp(user)
    return user
