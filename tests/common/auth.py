"""Helpers for tests that sign in through allauth's real pages (no force_login)."""

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client

from buddywerk.access.models import Membership, Role
from buddywerk.geo.models import Province
from buddywerk.organisations.models import OrganisationKind
from tests.factories import (
    TEST_PASSWORD,
    TEST_TOTP_SECRET,
    BuddyFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
)

LOGIN_URL = "/accounts/login/"


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """The current code of an authenticator app, computed with allauth's own functions."""
    from allauth.mfa import app_settings

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def post_login(client: Client, email: str, password: str = TEST_PASSWORD, **extra):
    return client.post(LOGIN_URL, {"login": email, "password": password}, **extra)


def main_text(response) -> str:
    """The text of the page's <main>, tags stripped and whitespace folded."""
    html = response.content.decode()
    match = re.search(r"<main\b.*?</main>", html, re.S)
    text = re.sub(r"<[^>]+>", " ", match.group(0) if match else html)
    return re.sub(r"\s+", " ", text).strip()


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def organisation_for(role: str):
    if role == Role.SCHOOL_STAFF:
        return SchoolFactory()
    if role == Role.PROGRAMME_COORDINATOR:
        return ProgrammeFactory()
    if role == Role.REGIONAL_COORDINATOR:
        return OrganisationFactory(
            kind=OrganisationKind.REGION, province=Province.objects.get(code="VAN")
        )
    if role == Role.FUNDER:
        return OrganisationFactory(kind=OrganisationKind.FUNDER)
    if role == Role.PLATFORM_ADMIN:
        return OrganisationFactory(kind=OrganisationKind.UMBRELLA)
    if role == Role.INTERNSHIP_SUPERVISOR:
        from buddywerk.organisations.models import TrainingInstitution

        return TrainingInstitution.objects.create(
            name="Lerarenopleiding (test)", kind=OrganisationKind.TRAINING_INSTITUTION
        )
    if role == Role.SERVICE_STAFF:
        from tests.factories import ServiceFactory

        return ServiceFactory()
    if role == Role.CITY_STAFF:
        from buddywerk.geo.models import Municipality
        from buddywerk.organisations.models import City

        return City.objects.get_or_create(
            municipality=Municipality.objects.get(nis_code="12025"),
            defaults={"kind": OrganisationKind.CITY, "name": "Stad Mechelen"},
        )[0]
    return ProgrammeFactory()


def user_with_role(role: str, email: str):
    """A user holding `role`, WITHOUT the TOTP that tests.factories.member enrols."""
    user = UserFactory(email=email, is_staff=role == Role.PLATFORM_ADMIN)
    organisation = organisation_for(role)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    if role == Role.BUDDY:
        BuddyFactory(user=user, programmes=[organisation])
    user.test_organisation = organisation
    return user
