"""Issue 20, point 2: regional coordinators write the academy's modules, programme
coordinators their own programme's, in Markdown with a safe preview and a required flag
per programme; every write leaves an audit event."""

import pytest
from django.core.exceptions import PermissionDenied

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.learning import services
from buddywerk.learning.models import Module, RequiredModule
from tests.factories import ProgrammeFactory, UserFactory, member
from tests.learning.factories import ModuleFactory
from tests.learning.test_learning_networks import regional

pytestmark = pytest.mark.django_db

FIELDS = {
    "slug": "samen-met-de-school",
    "title": "Samen met de school",
    "theme": "Tandem",
    "audience": "buddies",
    "format": "text",
    "url": "",
    "minutes": 15,
    "body": "## Wie is je tandempartner?\n\nDe **zorgleerkracht**.",
    "position": 3,
    "is_published": True,
}


def coordinator(programme):
    return member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)


def test_regional_coordinator_writes_an_academy_module_audited():
    writer, _region = regional()
    module = services.module_create(actor=writer, fields=FIELDS)
    assert module.programme is None
    services.module_update(actor=writer, module=module, fields={**FIELDS, "minutes": 25})
    assert Module.objects.get(pk=module.pk).minutes == 25
    actions = list(
        AuditEvent.objects.filter(object_type="learning.module", object_id=str(module.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["module.create", "module.update"]
    # Another province's coordinator keeps the academy too; a programme coordinator not.
    other, _other_region = regional("VOV")
    services.module_update(actor=other, module=module, fields={"minutes": 30})
    with pytest.raises(PermissionDenied):
        services.module_update(
            actor=coordinator(ProgrammeFactory()), module=module, fields={"minutes": 5}
        )


def test_programme_coordinator_writes_for_their_programme_and_sets_the_required_flag():
    programme, other_programme = ProgrammeFactory(), ProgrammeFactory()
    writer = coordinator(programme)
    module = services.module_create(
        actor=writer, fields=FIELDS, programme=programme, required_for=[programme]
    )
    assert RequiredModule.objects.filter(programme=programme, module=module).exists()
    with pytest.raises(PermissionDenied):
        services.module_create(
            actor=writer, fields={**FIELDS, "slug": "ander"}, programme=other_programme
        )
    with pytest.raises(PermissionDenied):
        services.module_update(
            actor=writer, module=module, fields={}, required_for=[other_programme]
        )
    # The flag off again; another programme's requirement of the module stays.
    RequiredModule.objects.create(programme=other_programme, module=module)
    services.module_update(actor=writer, module=module, fields={}, required_for=[])
    assert list(
        RequiredModule.objects.filter(module=module).values_list("programme", flat=True)
    ) == [other_programme.pk]
    with pytest.raises(PermissionDenied):
        services.module_update(actor=coordinator(other_programme), module=module, fields={})


def test_preview_is_sanitised_and_saves_nothing(client):
    writer, _region = regional()
    client.force_login(writer)
    body = "# Titel\n\n<script>alert(1)</script>[klik](javascript:alert(1)) **vet**"
    response = client.post("/learning/modules/new/", {**FIELDS, "body": body, "preview": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    preview = page[page.index('id="preview-title"') : page.index("</section>")]
    assert "<strong>vet</strong>" in preview and "<h1>Titel</h1>" not in preview
    assert "<script" not in preview and "javascript:" not in preview
    assert not Module.objects.exists()
    response = client.post("/learning/modules/new/", FIELDS)
    assert response.status_code == 302
    assert Module.objects.get().title == "Samen met de school"


def test_edit_page_404_for_a_module_of_another_programme(client):
    programme = ProgrammeFactory()
    module = ModuleFactory(programme=programme)
    client.force_login(coordinator(ProgrammeFactory()))
    assert client.get(f"/learning/modules/{module.slug}/edit/").status_code == 404
    client.force_login(coordinator(programme))
    assert client.get(f"/learning/modules/{module.slug}/edit/").status_code == 200
