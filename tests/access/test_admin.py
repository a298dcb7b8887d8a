"""No back door through the admin (issue 12, point 1).

Every admin in the registry is read-only, writes through the application's services, or
is reference data with a reason; no admin deletes anything; an admin write through a
service is validated and audited with its actor. The admin pages themselves are audited
like the application's (tests/access/test_audit.py)."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.sites import AdminSite
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.utils import timezone

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import Buddy
from buddywerk.common.admin import ReferenceDataAdmin, ServiceAdmin
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Municipality, Province
from buddywerk.organisations.admin import ProgrammeAdmin
from buddywerk.organisations.models import Organisation, OrganisationKind, Programme
from buddywerk.referrals.models import Family, Pupil, Referral
from buddywerk.trajectories.models import Trajectory
from tests.factories import (
    TEST_PASSWORD,
    FamilyReferralFactory,
    OrganisationFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

# Models a reference-data admin may not point at: whoever they are about is a person.
PERSONAL = {User, Buddy, Pupil, Family}


@pytest.fixture
def platform_admin():
    umbrella = OrganisationFactory(kind=OrganisationKind.UMBRELLA)
    return member(
        UserFactory(email="admin@example.org", is_staff=True), umbrella, Role.PLATFORM_ADMIN
    )


@pytest.fixture
def client(platform_admin):
    """A platform admin, signed in with 2FA enrolled (the middleware lets them through)."""
    client = Client()
    client.force_login(platform_admin)
    return client


# --- The registry -----------------------------------------------------------------------


def back_doors(site: AdminSite, user: User) -> list[str]:
    """Every way `site` offers `user` to write a model other than through a service or as
    reference data with a reason, and every delete it offers."""
    request = RequestFactory().get("/admin/")
    request.user = user
    found = []
    for model, model_admin in site._registry.items():
        name = model._meta.label
        can = {
            "add": model_admin.has_add_permission(request),
            "change": model_admin.has_change_permission(request, None),
            "delete": model_admin.has_delete_permission(request, None),
        }
        if can["delete"]:
            found.append(f"{name}: deletes")
        if can["add"] or can["change"]:
            if isinstance(model_admin, ServiceAdmin):
                found += [
                    f"{name}: {what} without a service"
                    for what in ("add", "change")
                    if can[what] and not model_admin.routes(f"service_{what}")
                ]
                # The base's save path is the only one: it calls the hooks and saves
                # nothing itself.
                for method in ("save_model", "save_related", "save_formset"):
                    if getattr(type(model_admin), method) is not getattr(ServiceAdmin, method):
                        found.append(f"{name}: overrides {method}")
                found += [
                    f"{name}: list_editable {field} is no service field"
                    for field in model_admin.list_editable
                    if field not in model_admin.service_fields
                ]
            elif isinstance(model_admin, ReferenceDataAdmin):
                if not model_admin.reference_reason.strip():
                    found.append(f"{name}: reference data without a reason")
                found += [
                    f"{name}: reference data pointing at {field.related_model._meta.label}"
                    for field in model._meta.get_fields()
                    if field.is_relation
                    and not field.auto_created  # its own fields, not who points at it
                    and field.related_model in PERSONAL
                ]
            else:
                writes = [what for what in ("add", "change") if can[what]]
                found.append(f"{name}: writable ({', '.join(writes)})")
        for inline_class in model_admin.inlines:
            inline = inline_class(model, site)
            for what in ("add", "change", "delete"):
                if getattr(inline, f"has_{what}_permission")(request, None):
                    found.append(f"{name}: inline {inline.model._meta.label} may {what}")
        for action_name, action in model_admin.get_actions(request).items():
            through = getattr(action.func, "through_service", False)
            if not (isinstance(model_admin, ServiceAdmin) and through):
                found.append(f"{name}: action {action_name} is not a service")
    return found


def test_every_admin_is_read_only_through_a_service_or_reference_data(platform_admin):
    assert back_doors(admin.site, platform_admin) == []


def test_the_registry_walk_finds_a_back_door(platform_admin):
    """The walk itself: a plain ModelAdmin, a writable inline, a stray action and a
    reference-data admin without a reason are all reported."""

    class MembershipInline(admin.TabularInline):
        model = Membership

    class PlainUserAdmin(admin.ModelAdmin):
        inlines = [MembershipInline]

    class Reasonless(ReferenceDataAdmin):
        pass

    class PersonalReference(ReferenceDataAdmin):
        reference_reason = "Not really."

    site = AdminSite(name="probe")
    site.register(User, PlainUserAdmin)
    site.register(Province, Reasonless)
    site.register(Buddy, PersonalReference)
    found = back_doors(site, platform_admin)
    assert "access.User: deletes" in found
    assert "access.User: writable (add, change)" in found
    assert "access.User: inline access.Membership may add" in found
    assert "access.User: action delete_selected is not a service" in found
    assert "geo.Province: reference data without a reason" in found
    assert "buddies.Buddy: reference data pointing at access.User" in found


def test_no_admin_offers_a_delete_page(client):
    """Whatever the model, the delete page answers 403, before it even looks the row up."""
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/1/delete/"
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"post": "yes"}).status_code == 403, url


def test_every_admin_page_opens_and_offers_only_what_it_may(client, platform_admin):
    """Each list opens; the add page opens where adding goes through a service or is
    reference data, and is refused everywhere else."""
    request = RequestFactory().get("/admin/")
    request.user = platform_admin
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(base).status_code == 200, base
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert client.get(f"{base}add/").status_code == expected, base


# --- Personal data is not deleted or changed here ----------------------------------------


def _people():
    from tests.trajectories.factories import TrajectoryFactory

    duo = TrajectoryFactory()
    referral = duo.participants.select_related("referral").first().referral
    family_referral = FamilyReferralFactory()
    return {
        "referrals/pupil": referral.pupil,
        "referrals/family": family_referral.family,
        "referrals/referral": referral,
        "trajectories/trajectory": duo,  # not in the admin at all
        "buddies/buddy": duo.buddy,
        "access/user": duo.buddy.user,
    }


def _counts():
    return [m.objects.count() for m in (Pupil, Family, Referral, Trajectory, Buddy, User)]


def test_no_admin_deletes_a_pupil_family_referral_duo_buddy_or_user(client):
    people = _people()
    before = _counts()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    for path, obj in people.items():
        url = f"/admin/{path}/{obj.pk}/delete/"
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {"post": "yes"}).status_code in (403, 404), url
        # the bulk action, confirmed
        response = client.post(
            f"/admin/{path}/",
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert response.status_code in (200, 302, 404), url
        assert type(obj).objects.filter(pk=obj.pk).exists(), path
    assert _counts() == before
    assert not LogEntry.objects.exists()
    assert not AuditEvent.objects.filter(id__gt=last_event).exclude(action="view").exists()


def test_no_admin_changes_or_adds_a_pupil(client):
    pupil = PupilFactory(first_name="Zinedine", last_name="Vandersteen")
    url = f"/admin/referrals/pupil/{pupil.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200  # read-only, still a look at the pupil (audited)
    assert 'name="_save"' not in page.content.decode()
    data = {"school": str(pupil.school_id), "first_name": "Noor", "last_name": "X"}
    assert client.post(url, {**data, "_save": "1"}).status_code == 403
    assert client.post("/admin/referrals/pupil/add/", data).status_code == 403
    pupil.refresh_from_db()
    assert (pupil.first_name, Pupil.objects.count()) == ("Zinedine", 1)
    assert not LogEntry.objects.exists()


# --- Writes through the services are audited with their actor ----------------------------


def _errors(response):
    """Why an admin form did not save, for the assertion message."""
    context = response.context or {}
    form = context.get("adminform")
    return (form.form.errors if form else None, context.get("errors"))


def _neutral_log_only(*people):
    reprs = list(LogEntry.objects.values_list("object_repr", "change_message"))
    assert reprs, "the admin wrote no log entry"
    for person in people:
        for text in (person.first_name, person.last_name, person.email):
            assert not any(text in r or text in m for r, m in reprs), text


# What the user's change form posts: "active" is its only field (unticked: left out).
USER_FORM = {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0", "_save": "1"}


def test_closing_an_account_in_the_admin_goes_through_user_deactivate(client, platform_admin):
    user = UserFactory(first_name="Jozefien", last_name="Peeters", email="jozefien@example.org")
    url = f"/admin/access/user/{user.pk}/change/"
    # every field but "active" is read-only: a posted name or email is not taken
    data = {**USER_FORM, "email": "other@example.org", "first_name": "Other"}
    response = client.post(url, data)  # "is_active" unticked
    assert response.status_code == 302, _errors(response)
    user.refresh_from_db()
    assert not user.is_active
    assert (user.email, user.first_name) == ("jozefien@example.org", "Jozefien")
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.actor == platform_admin
    assert event.object_id == str(user.uuid)
    assert event.request_id == response["X-Request-ID"]
    _neutral_log_only(user)

    # a closed account is not opened again here: no service does that
    response = client.post(url, {**USER_FORM, "is_active": "on"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_active"]
    user.refresh_from_db()
    assert not user.is_active


def test_the_admin_has_no_password_page(client):
    user = UserFactory()
    url = f"/admin/access/user/{user.pk}/password/"
    assert client.get(url).status_code == 403
    data = {"password1": "Nieuw-wachtwoord-2026", "password2": "Nieuw-wachtwoord-2026"}
    assert client.post(url, data).status_code == 403
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_an_account_is_added_through_user_create(client, platform_admin):
    data = {
        **USER_FORM,
        "email": "Nieuw@Example.org",
        "first_name": "Nieuwe",
        "last_name": "Collega",
    }
    response = client.post("/admin/access/user/add/", data)
    assert response.status_code == 302, _errors(response)
    user = User.objects.get(email="nieuw@example.org")  # normalised by the service
    assert not user.has_usable_password()
    event = AuditEvent.objects.get(action="user.create")
    assert (event.actor, event.object_id) == (platform_admin, str(user.uuid))
    assert response["Location"].endswith(f"/admin/access/user/{user.pk}/change/")

    # the service refuses what the form let through (the address differs only in case):
    # the message says why, nothing is written
    response = client.post("/admin/access/user/add/", {**data, "email": "NIEUW@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/access/user/add/"
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert levels[-1] == "error" and levels.count("error") == 1
    assert User.objects.filter(email__iexact="nieuw@example.org").count() == 1
    assert AuditEvent.objects.filter(action="user.create").count() == 1


def test_a_role_is_granted_and_revoked_through_the_membership_services(client, platform_admin):
    school = SchoolFactory()
    user = UserFactory()
    data = {
        "user": str(user.pk),
        "organisation": str(school.pk),
        "role": Role.SCHOOL_STAFF,
        "_save": "1",
    }
    response = client.post("/admin/access/membership/add/", data)
    assert response.status_code == 302, _errors(response)
    membership = Membership.objects.get(user=user)
    assert membership.is_active and membership.organisation_id == school.pk
    grant = AuditEvent.objects.get(action="membership.grant")
    assert (grant.actor, grant.object_id) == (platform_admin, str(membership.pk))

    # a role that does not fit the organisation: the model's rule, nothing granted
    response = client.post(
        "/admin/access/membership/add/", {**data, "role": Role.PROGRAMME_COORDINATOR}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organisation"]
    assert Membership.objects.filter(user=user).count() == 1

    # revoking keeps the row, inactive, and is audited
    response = client.post(
        "/admin/access/membership/",
        {"action": "revoke", "_selected_action": [membership.pk]},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    revoke = AuditEvent.objects.get(action="membership.revoke")
    assert (revoke.actor, revoke.object_id) == (platform_admin, str(membership.pk))

    # granting the same role again takes the ended membership up again
    response = client.post("/admin/access/membership/add/", data)
    assert response.status_code == 302, _errors(response)
    membership.refresh_from_db()
    assert membership.is_active
    assert Membership.objects.filter(user=user).count() == 1
    _neutral_log_only(user)

    # and the user's page shows the roles without a way to change them
    page = client.get(f"/admin/access/user/{user.pk}/change/")
    assert page.status_code == 200
    assert 'name="memberships-0-role"' not in page.content.decode()


def test_a_programme_is_set_up_through_organisation_save(client, platform_admin):
    mechelen = Municipality.objects.get(nis_code="12025")
    data = {
        "name": "Buddywerking Mechelen-Noord",
        "province": str(mechelen.province_id),
        "participant_kind": "pupils",
        "municipalities": [str(mechelen.pk)],
        "target_school_years": ["6"],
        "buddy_kinds": [],
        "meeting_modes": [],
        "accepts_buddies": "on",
        "correction_days": "7",
        "_save": "1",
    }
    response = client.post("/admin/organisations/programme/add/", data)
    assert response.status_code == 302, _errors(response)
    programme = Programme.objects.get(name="Buddywerking Mechelen-Noord")
    page = client.get(f"/admin/organisations/programme/{programme.pk}/change/")
    assert set(page.context["adminform"].form.fields) == set(ProgrammeAdmin.service_fields)
    assert programme.kind == OrganisationKind.PROGRAMME  # from the model, not the form
    assert list(programme.municipalities.all()) == [mechelen]
    created = AuditEvent.objects.get(action="organisation.create")
    assert (created.actor, created.object_id) == (platform_admin, str(programme.uuid))

    response = client.post(
        f"/admin/organisations/programme/{programme.pk}/change/",
        {**data, "accepts_buddies": ""},
    )
    assert response.status_code == 302, _errors(response)
    programme.refresh_from_db()
    assert not programme.accepts_buddies
    changed = AuditEvent.objects.get(action="organisation.change")
    assert changed.actor == platform_admin
    assert changed.detail == {"fields": ["accepts_buddies"]}


def test_a_plain_organisation_is_added_but_its_kind_never_changes(client, platform_admin):
    response = client.post(
        "/admin/organisations/organisation/add/", {"kind": "programme", "name": "Fout"}
    )
    assert response.status_code == 200  # a programme is added on the programme page
    assert response.context["adminform"].form.errors["kind"]
    response = client.post(
        "/admin/organisations/organisation/add/", {"kind": "funder", "name": "Vlaanderen"}
    )
    assert response.status_code == 302, _errors(response)
    funder = Organisation.objects.get(name="Vlaanderen")
    url = f"/admin/organisations/organisation/{funder.pk}/change/"
    assert "kind" not in client.get(url).context["adminform"].form.fields  # read-only
    response = client.post(url, {"kind": "umbrella", "name": "Vlaamse overheid"})
    assert response.status_code == 302
    funder.refresh_from_db()
    assert (funder.kind, funder.name) == ("funder", "Vlaamse overheid")
    assert [e.action for e in AuditEvent.objects.exclude(action="view").order_by("id")][-2:] == [
        "organisation.create",
        "organisation.change",
    ]


def test_a_question_edited_in_the_admin_goes_through_question_save(client, platform_admin):
    from tests.network.factories import QuestionFactory

    question = QuestionFactory(last_reviewed_on=timezone.localdate() - dt.timedelta(days=400))
    response = client.post(
        f"/admin/network/question/{question.pk}/change/",
        {
            "audience": question.audience,
            "question": question.question,
            "answer": "Vraag het aan je coördinator van de buddywerking.",
            "position": "0",
            "is_published": "on",
        },
    )
    assert response.status_code == 302, _errors(response)
    question.refresh_from_db()
    assert question.last_reviewed_on == timezone.localdate()  # saving is the review
    assert "coordinator" in question.search_stems or "coördinator" in question.search_stems
    event = AuditEvent.objects.get(action="question.save")
    assert (event.actor, event.object_id) == (platform_admin, str(question.pk))


def test_reference_data_is_written_here_and_audited(client, platform_admin):
    province = Province.objects.get(code="VAN")
    response = client.post(
        f"/admin/geo/province/{province.pk}/change/",
        {"code": province.code, "name": "Antwerpen (provincie)", "region": province.region},
    )
    assert response.status_code == 302, _errors(response)
    event = AuditEvent.objects.get(action="admin.change")
    assert (event.actor, event.object_id, event.detail) == (
        platform_admin,
        str(province.pk),
        {"fields": ["name"]},
    )
    assert (
        client.post(f"/admin/geo/province/{province.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )


def test_account_secrets_and_addresses_are_read_only(client, platform_admin):
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.get(user=platform_admin)
    url = f"/admin/mfa/authenticator/{authenticator.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert authenticator.data["secret"] not in page.content.decode()
    assert client.post(url, {"type": "totp", "data": "{}"}).status_code == 403
    address = platform_admin.emailaddress_set.get()
    page = client.get("/admin/account/emailaddress/")
    assert "make_verified" not in page.content.decode()
    response = client.post(
        f"/admin/account/emailaddress/{address.pk}/change/",
        {"email": "elders@example.org", "user": str(platform_admin.pk), "verified": "on"},
    )
    assert response.status_code == 403
    assert client.get("/admin/auth/group/").status_code == 404
