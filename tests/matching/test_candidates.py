"""candidates.py: the engine's input from the database, in a constant number of queries."""

import pytest

from buddywerk.buddies.models import ScreeningStatus
from buddywerk.matching import candidates
from buddywerk.matching.models import ProgrammeMatchingSettings
from buddywerk.referrals.models import ReferralStatus
from tests.factories import FamilyReferralFactory, ProgrammeFactory, ReferralFactory
from tests.matching.helpers import fitting_buddy, open_proposal, queued_referral
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def _fill(programme, buddies, referrals):
    for _ in range(buddies):
        fitting_buddy(programme, capacity=2)
    for _ in range(referrals):
        queued_referral(programme)


@pytest.mark.parametrize("size", [1, 6])
def test_input_is_read_in_five_queries_whatever_the_size(size, django_assert_num_queries):
    programme = ProgrammeFactory()
    _fill(programme, size, size)
    with django_assert_num_queries(5):  # four, and whether any programme requires modules
        data = candidates.programme_input(programme)
    assert len(data.buddies) == size
    assert len(data.referrals) == size


@pytest.mark.parametrize("size", [1, 6])
def test_required_modules_cost_three_queries_whatever_the_size(size, django_assert_num_queries):
    from buddywerk.learning.models import RequiredModule
    from tests.learning.factories import ModuleFactory

    programme = ProgrammeFactory()
    _fill(programme, size, size)
    module = ModuleFactory(title="Veilig omgaan")
    RequiredModule.objects.create(programme=programme, module=module)
    with django_assert_num_queries(8):
        data = candidates.programme_input(programme)
    assert all(b.missing_modules == {"Veilig omgaan"} for b in data.buddies)


def test_region_input_is_six_queries_for_many_programmes(django_assert_num_queries):
    from buddywerk.geo.models import Province

    antwerp = Province.objects.get(code="VAN")
    programmes = [ProgrammeFactory(province=antwerp) for _ in range(3)]
    for programme in programmes:
        _fill(programme, 2, 2)
    with django_assert_num_queries(6):  # the programmes, then the five of build_inputs
        inputs = candidates.region_inputs({"VAN"})
    assert sorted(len(i.referrals) for i in inputs) == [2, 2, 2]


def test_the_queue_is_accepted_referrals_without_an_open_proposal():
    programme = ProgrammeFactory()
    buddy = fitting_buddy(programme)
    waiting = queued_referral(programme)
    ReferralFactory(programme=programme)  # submitted, not accepted yet
    proposed = open_proposal(programme=programme, buddy=buddy, school=waiting.pupil.school)
    data = candidates.programme_input(programme)
    assert set(data.referral_rows) == {str(waiting.uuid)}
    assert str(proposed.referral.uuid) not in data.referral_rows


def test_places_taken_count_running_duos_and_open_proposals():
    programme = ProgrammeFactory()
    buddy = fitting_buddy(programme, capacity=3)
    duo_referral = queued_referral(programme)
    TrajectoryFactory(programme=programme, buddy=buddy, referrals=[duo_referral])
    open_proposal(programme=programme, buddy=buddy, school=duo_referral.pupil.school)
    data = candidates.programme_input(programme)
    engine_buddy = next(b for b in data.buddies if b.id == str(buddy.uuid))
    assert engine_buddy.capacity == 3
    assert engine_buddy.active == 2  # one participant in a duo, one open proposal


def test_paused_and_unapproved_buddies_stay_in_the_input_as_blocked():
    programme = ProgrammeFactory()
    paused = fitting_buddy(programme, is_paused=True)
    applied = fitting_buddy(programme, status=ScreeningStatus.APPLIED, extract_seen_on=None)
    declined = fitting_buddy(programme, status=ScreeningStatus.DECLINED)
    referral = queued_referral(programme)
    data = candidates.programme_input(programme)
    assert str(declined.uuid) not in data.buddy_rows
    found = data.problem.suggest_buddies(str(referral.uuid))
    assert found.feasible == ()
    blocked = {b.id: b.constraint for b in found.blocked}
    assert blocked[str(paused.uuid)] == "available"
    # not approved (and so not screened either): two constraints, so not "nearly fitting"
    assert str(applied.uuid) not in blocked
    assert found.constraint == "approved" or found.constraint == "available"


def test_family_referral_needs_the_contact_language_and_is_met_at_home():
    referral = FamilyReferralFactory(status=ReferralStatus.ACCEPTED)
    programme = referral.programme
    speaks = fitting_buddy(
        programme,
        meeting_modes=["home"],
        competences=["family"],
        languages=["nl", "ar"],
        home_postcode=referral.family.postcode,
    )
    mute = fitting_buddy(
        programme,
        meeting_modes=["home"],
        competences=["family"],
        languages=["nl"],
        home_postcode=referral.family.postcode,
    )
    data = candidates.programme_input(programme)
    engine_referral = data.referrals[0]
    assert engine_referral.contact_language == "ar"
    assert engine_referral.minor is True  # children of 6 and 9 (R2)
    assert data.problem.check(str(referral.uuid), str(speaks.uuid)) == ()
    assert data.problem.check(str(referral.uuid), str(mute.uuid)) == ("language",)


def test_programme_weights_come_from_the_database():
    programme = ProgrammeFactory()
    ProgrammeMatchingSettings.objects.create(
        programme=programme, distance=100, slots=100, needs=600, language=100, fit=100
    )
    data = candidates.programme_input(programme)
    assert data.weights.needs == 600
    assert candidates.programme_input(ProgrammeFactory()).weights.needs == 250  # defaults


def test_the_pages_cache_is_reused_until_something_changes(django_assert_num_queries):
    programme = ProgrammeFactory()
    buddy = fitting_buddy(programme)
    referral = queued_referral(programme)
    first = candidates.cached_programme_input(programme)
    with django_assert_num_queries(1):  # only the version
        assert candidates.cached_programme_input(programme) is first
    open_proposal(programme=programme, buddy=buddy, school=referral.pupil.school)
    again = candidates.cached_programme_input(programme)
    assert again is not first
    assert next(b for b in again.buddies if b.id == str(buddy.uuid)).active == 1
    ProgrammeMatchingSettings.objects.create(
        programme=programme, distance=100, slots=100, needs=600, language=100, fit=100
    )
    weighted = candidates.cached_programme_input(programme)
    assert weighted is not again and weighted.weights.needs == 600


def test_a_referral_outside_the_queue_faces_the_cached_buddies_in_one_query(
    django_assert_num_queries,
):
    """The suggestion page of a referral with an open proposal, or not accepted yet, reuses
    the queue's cached input (one entry per programme, whatever page is asked) and answers
    what an input built for that referral alone would."""
    from buddywerk.matching import engine, selectors

    programme = ProgrammeFactory()
    for _ in range(3):
        fitting_buddy(programme, capacity=2)
    queued = queued_referral(programme)
    waiting = ReferralFactory(programme=programme, status=ReferralStatus.SUBMITTED)
    proposed = open_proposal(
        programme=programme, buddy=fitting_buddy(programme), school=queued.pupil.school
    ).referral
    base = candidates.cached_programme_input(programme)
    assert set(base.referral_rows) == {str(queued.uuid)}
    for referral in (waiting, proposed):
        with django_assert_num_queries(1):
            alone = candidates.facing(base, referral.pk)
        assert alone.buddies is base.buddies and list(alone.referral_rows) == [str(referral.uuid)]
        fresh = engine.Problem(base.buddies, alone.referrals, base.weights)
        key = str(referral.uuid)
        assert alone.problem.suggest_buddies(key) == fresh.suggest_buddies(key)
        assert alone.problem.suggest_buddies(key).feasible  # the buddies fit: not vacuous
        assert selectors.referral_suggestions(referral=referral, texts=engine.DUTCH)[
            "suggestions"
        ] == fresh.suggest_buddies(key)
        assert candidates.cached_programme_input(programme) is base
    assert base.problem.referral_ids == [str(queued.uuid)]
    assert len(candidates._cache) == 1
    with pytest.raises(type(waiting).DoesNotExist):  # never a referral of another programme
        candidates.facing(base, ReferralFactory(status=ReferralStatus.ACCEPTED).pk)


def test_every_change_the_input_depends_on_raises_the_programme_counter():
    programme, other = ProgrammeFactory(), ProgrammeFactory()
    buddy = fitting_buddy(programme)
    referral = queued_referral(programme)
    seen = [candidates.input_version(programme)]
    untouched = candidates.input_version(other)

    def raised():
        now = candidates.input_version(programme)
        changed = now != seen[-1]
        seen.append(now)
        return changed

    buddy.capacity = 3
    buddy.save()
    assert raised()
    referral.pupil.first_name = "Noor"
    referral.pupil.save()
    assert raised()
    referral.save()
    assert raised()
    newcomer = fitting_buddy(other)
    newcomer.programmes.add(programme)
    assert raised()
    proposal = open_proposal(programme=other, buddy=buddy, school=referral.pupil.school)
    assert raised()  # a proposal elsewhere takes one of this programme's buddy's places
    proposal.delete()
    assert raised()
    ProgrammeMatchingSettings.objects.create(programme=programme)
    assert raised()
    assert not raised()
    assert candidates.input_version(other) != untouched  # the newcomer and the proposal


def test_an_anonymised_buddy_raises_the_programme_counter():
    """The anonymisation empties a buddy's profile with a queryset update (no post_save)."""
    from django.utils import timezone

    from buddywerk.privacy.account_services import account_anonymise
    from buddywerk.privacy.schedule import DataKind

    programme, other = ProgrammeFactory(), ProgrammeFactory()
    buddy = fitting_buddy(programme)
    before = candidates.input_version(programme), candidates.input_version(other)
    account_anonymise(user=buddy.user, kind=DataKind.INACTIVE_ACCOUNT, now=timezone.now())
    assert candidates.input_version(programme) > before[0]
    assert candidates.input_version(other) == before[1]
