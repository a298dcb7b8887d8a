"""Issue 13, point 4: a programme requires modules before a buddy's first duo and before any
duo with a minor. Matching never proposes a buddy who lacks one (the suggestions page names
the module), no duo starts without them, and the buddy's home page shows what is left."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from buddywerk.learning.models import RequiredModule
from buddywerk.learning.services import module_complete, required_modules_set
from buddywerk.matching import candidates
from buddywerk.trajectories import services
from tests.factories import ProgrammeFactory
from tests.learning.factories import ModuleFactory
from tests.matching.helpers import coordinator_of, fitting_buddy, queued_referral
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def _programme_with_modules():
    programme = ProgrammeFactory()
    coordinator = coordinator_of(programme)
    first = ModuleFactory(title="Een duidelijk kader")
    minor = ModuleFactory(title="Veilig met kinderen")
    required_modules_set(
        actor=coordinator, programme=programme, modules=[first], minor_modules=[minor]
    )
    return programme, coordinator, first, minor


def _blocked(programme, referral):
    found = candidates.programme_input(programme).problem.suggest_buddies(str(referral.uuid))
    return {c.id for c in found.feasible}, {b.id: b for b in found.blocked}


def test_the_setting_keeps_both_kinds_and_refuses_a_module_in_both():
    programme, coordinator, first, minor = _programme_with_modules()
    assert set(RequiredModule.objects.values_list("module__title", "for_minors")) == {
        ("Een duidelijk kader", False),
        ("Veilig met kinderen", True),
    }
    with pytest.raises(ValidationError):
        required_modules_set(
            actor=coordinator, programme=programme, modules=[first], minor_modules=[first]
        )
    assert RequiredModule.objects.count() == 2


def test_matching_never_proposes_a_buddy_lacking_a_module_and_names_it():
    programme, _coordinator, first, minor = _programme_with_modules()
    referral = queued_referral(programme)  # a pupil: a minor
    lacking = fitting_buddy(programme)
    ready = fitting_buddy(programme)
    for module in (first, minor):
        module_complete(actor=ready.user, module=module)
    only_first = fitting_buddy(programme)
    module_complete(actor=only_first.user, module=first)
    feasible, blocked = _blocked(programme, referral)
    assert feasible == {str(ready.uuid)}
    assert blocked[str(lacking.uuid)].constraint == "modules"
    assert blocked[str(lacking.uuid)].reason == (
        "mist nog de verplichte module Een duidelijk kader en Veilig met kinderen"
    )
    assert blocked[str(only_first.uuid)].reason == (
        "mist nog de verplichte module Veilig met kinderen"
    )


def test_the_first_duo_module_counts_only_before_a_first_duo():
    programme, _coordinator, first, minor = _programme_with_modules()
    veteran = fitting_buddy(programme, capacity=3)
    module_complete(actor=veteran.user, module=minor)
    # the duo started before the programme required anything
    RequiredModule.objects.all().delete()
    TrajectoryFactory(programme=programme, buddy=veteran)
    RequiredModule.objects.create(programme=programme, module=first)
    RequiredModule.objects.create(programme=programme, module=minor, for_minors=True)
    referral = queued_referral(programme)
    feasible, _blocked_rows = _blocked(programme, referral)
    assert str(veteran.uuid) in feasible


def test_the_suggestions_page_says_which_module_is_missing(client):
    programme, coordinator, first, minor = _programme_with_modules()
    referral = queued_referral(programme)
    fitting_buddy(programme)
    client.force_login(coordinator)
    page = client.get(reverse("matching:referral_suggestions", args=[referral.uuid]))
    assert page.status_code == 200
    assert "mist nog de verplichte module Een duidelijk kader en Veilig met kinderen" in (
        page.content.decode()
    )


def test_no_duo_starts_while_a_module_is_missing():
    programme, _coordinator, first, minor = _programme_with_modules()
    buddy = fitting_buddy(programme)
    module_complete(actor=buddy.user, module=first)
    with pytest.raises(ValidationError) as refused:
        TrajectoryFactory(programme=programme, buddy=buddy)
    assert "Veilig met kinderen" in refused.value.message_dict["buddy"][0]
    module_complete(actor=buddy.user, module=minor)
    TrajectoryFactory(programme=programme, buddy=buddy)


def test_an_adults_only_duo_needs_only_the_first_duo_module():
    from buddywerk.geo.models import Municipality
    from buddywerk.organisations.models import ParticipantKind
    from tests.trajectories.factories import GHENT

    programme = ProgrammeFactory(
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=Municipality.objects.filter(nis_code=GHENT),
    )
    first, minor = ModuleFactory(), ModuleFactory()
    required_modules_set(
        actor=coordinator_of(programme), programme=programme, modules=[first], minor_modules=[minor]
    )
    buddy = fitting_buddy(programme)
    with pytest.raises(ValidationError):
        TrajectoryFactory(programme=programme, buddy=buddy, adult=True)
    module_complete(actor=buddy.user, module=first)
    duo = TrajectoryFactory(programme=programme, buddy=buddy, adult=True)
    assert duo.pk


def test_the_buddys_home_page_shows_what_is_still_to_do(client):
    programme, _coordinator, first, minor = _programme_with_modules()
    buddy = fitting_buddy(programme)
    module_complete(actor=buddy.user, module=first)
    client.force_login(buddy.user)
    page = client.get(reverse("home")).content.decode()
    todo = page.split('data-testid="todo"')[1].split("</section>")[0]
    assert "Veilig met kinderen" in todo
    assert "voor een duo met een minderjarige" in todo
    # Each module links to its page, where it is done (issue 16, point 6).
    assert f'href="{reverse("learning:module_detail", args=[minor.slug])}"' in todo
    assert "Een duidelijk kader" not in todo
    module_complete(actor=buddy.user, module=minor)
    page = client.get(reverse("home")).content.decode()
    assert "Veilig met kinderen" not in page.split('data-testid="todo"')[1].split("</section>")[0]


def test_starting_from_a_proposal_is_refused_the_same_way():
    programme, _coordinator, _first, _minor = _programme_with_modules()
    buddy = fitting_buddy(programme)
    referral = queued_referral(programme)
    with pytest.raises(ValidationError):
        services.trajectory_start_from_proposal(actor=None, buddy=buddy, referral=referral)
