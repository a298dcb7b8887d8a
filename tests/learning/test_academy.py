"""The academy: safe Markdown, marking modules done, modules required before a first duo."""

import pytest

from buddywerk.access.models import Role
from buddywerk.learning import services
from buddywerk.learning.markdown import render_markdown
from buddywerk.learning.models import ModuleCompletion, RequiredModule
from buddywerk.learning.selectors import modules_missing_for
from tests.factories import BuddyFactory, ProgrammeFactory, member
from tests.learning.factories import ModuleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[klik](javascript:alert(1))",
        '<a href="javascript:alert(1)">klik</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p onclick="alert(1)">tekst</p>',
        "<style>body{display:none}</style>",
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_no_script_survives(attack):
    html = render_markdown(f"Een tekst.\n\n{attack}\n\nNog een tekst.")
    lowered = html.lower()
    for forbidden in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<style", "<svg"):
        assert forbidden not in lowered, html
    assert "Een tekst." in html


def test_markdown_keeps_its_structure_and_links_are_safe():
    html = render_markdown("## Titel\n\n- **een**\n- twee\n\n[bron](https://leerbuddy.vlaanderen/)")
    assert "<h2>Titel</h2>" in html
    assert "<strong>een</strong>" in html
    assert 'href="https://leerbuddy.vlaanderen/"' in html
    assert 'rel="noopener noreferrer"' in html


def test_module_page_renders_sanitised_markdown(client):
    module = ModuleFactory(body="# Kop\n\n<script>alert('x')</script>\n\nTekst **vet**.")
    buddy = BuddyFactory()
    programme = ProgrammeFactory()
    client.force_login(member(buddy.user, programme, Role.BUDDY))
    body = client.get(f"/learning/modules/{module.slug}/").content.decode()
    assert "<strong>vet</strong>" in body
    assert "alert('x')" not in body


def test_mark_done_with_reflection_and_required_modules(client):
    programme = ProgrammeFactory()
    buddy = BuddyFactory(programmes=[programme])
    user = member(buddy.user, programme, Role.BUDDY)
    warm, rekenen, extra = ModuleFactory(), ModuleFactory(), ModuleFactory()
    RequiredModule.objects.create(programme=programme, module=warm)
    RequiredModule.objects.create(programme=programme, module=rekenen)
    assert set(modules_missing_for(buddy, programme)) == {warm, rekenen}
    client.force_login(user)
    client.post(f"/learning/modules/{warm.slug}/", {"reflection": "Luisteren is het begin."})
    completion = ModuleCompletion.objects.get()
    assert completion.reflection == "Luisteren is het begin."
    assert list(modules_missing_for(buddy, programme)) == [rekenen]
    services.module_complete(actor=user, module=extra)
    assert list(modules_missing_for(buddy, programme)) == [rekenen]
    assert list(modules_missing_for(buddy, ProgrammeFactory())) == []


def test_reflection_with_markup_is_refused(client):
    programme = ProgrammeFactory()
    buddy = BuddyFactory(programmes=[programme])
    client.force_login(member(buddy.user, programme, Role.BUDDY))
    module = ModuleFactory()
    response = client.post(
        f"/learning/modules/{module.slug}/", {"reflection": "<script>alert(1)</script>"}
    )
    assert "Gebruik gewone tekst" in response.content.decode()
    assert not ModuleCompletion.objects.exists()


def test_only_buddies_mark_modules_done(client):
    from tests.factories import UserFactory

    programme = ProgrammeFactory()
    client.force_login(member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR))
    module = ModuleFactory()
    assert client.post(f"/learning/modules/{module.slug}/", {}).status_code == 403
    assert not ModuleCompletion.objects.exists()


def test_coordinator_sets_required_modules_and_sees_who_misses_them(
    client, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    programme = ProgrammeFactory()
    done, todo = ModuleFactory(title="Warme band"), ModuleFactory(title="Kader")
    buddies = [BuddyFactory(programmes=[programme]) for _ in range(3)]
    services.module_complete(actor=member(buddies[0].user, programme, Role.BUDDY), module=done)
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    client.force_login(coordinator)
    url = f"/learning/programmes/{programme.uuid}/required-modules/"
    client.post(url, {"modules": [done.pk, todo.pk]})
    assert set(RequiredModule.objects.values_list("module_id", flat=True)) == {done.pk, todo.pk}
    with django_assert_max_num_queries(14):
        body = client.get(url).content.decode()
    assert body.count("<tr><td>") == 3
    client.post(url, {"modules": [done.pk]})
    assert list(RequiredModule.objects.values_list("module_id", flat=True)) == [done.pk]
    # Another programme's coordinator does not find the setting (404, issue 11).
    other = member(UserFactory(), ProgrammeFactory(), Role.PROGRAMME_COORDINATOR)
    client.force_login(other)
    assert client.post(url, {"modules": []}).status_code == 404
    assert RequiredModule.objects.count() == 1
