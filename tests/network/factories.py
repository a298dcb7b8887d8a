"""Factories for the network app: practice sheets, proposals, questions, local services."""

import importlib

import factory
from django.utils import timezone

from buddywerk.geo.models import Municipality
from buddywerk.network.models import (
    LocalService,
    PolicyDomain,
    Practice,
    PracticeCategory,
    PracticeSubmission,
    Question,
    ServiceCategory,
    SubmissionStatus,
    TargetGroup,
)
from buddywerk.network.search import practice_index


def ensure_vocabularies() -> None:
    """The facet lists come from a data migration; a transactional test (the browser
    journeys, the concurrency test) empties every table when it ends, so put them back."""
    if PracticeCategory.objects.exists():
        return
    from django.apps import apps

    migration = importlib.import_module(
        "buddywerk.network.migrations.0002_vocabularies_search_index"
    )
    migration.seed(apps, None)


def category(slug: str = "gezinsbuddy") -> PracticeCategory:
    ensure_vocabularies()
    return PracticeCategory.objects.get(slug=slug)


def domain(slug: str = "sociaal-beleid") -> PolicyDomain:
    ensure_vocabularies()
    return PolicyDomain.objects.get(slug=slug)


def target(slug: str = "gezinnen") -> TargetGroup:
    ensure_vocabularies()
    return TargetGroup.objects.get(slug=slug)


def municipality(nis_code: str = "44021") -> Municipality:
    return Municipality.objects.select_related("province").get(nis_code=nis_code)


class PracticeFactory(factory.django.DjangoModelFactory):
    """A published sheet, indexed for search. Pass places/categories/... as lists."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Praktijk {n}")
    organisation_name = "Stad Gent"
    summary = "Een buddy gaat samen met een gezin op stap in de stad."
    goals = "Netwerk vergroten\nNederlands oefenen"
    target_group = "Nieuwkomers"
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def places(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.places.set(extracted if extracted is not None else [municipality()])

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.categories.set(extracted if extracted is not None else [category()])

    @factory.post_generation
    def policy_domains(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.policy_domains.set(extracted)

    @factory.post_generation
    def target_groups(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.target_groups.set(extracted)

    @factory.post_generation
    def indexed(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            practice_index(obj)


class PracticeSubmissionFactory(factory.django.DjangoModelFactory):
    """A proposal waiting for moderation (status submitted) in Gent unless told otherwise."""

    class Meta:
        model = PracticeSubmission
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Voorstel {n}")
    organisation_name = "Vzw Samen"
    summary = "Vrijwilligers helpen kinderen met huiswerk, elke week."
    goals = "Huiswerk maken\nZelfvertrouwen"
    target_group = "Leerlingen lager onderwijs"
    submitter_name = "Sam Indiener"
    submitter_email = "sam@example.org"
    token = factory.Sequence(lambda n: f"token-{n:04d}-abcdefghijklmnopqrstuvwxyz")
    status = SubmissionStatus.SUBMITTED
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def places(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.places.set(extracted if extracted is not None else [municipality()])

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.categories.set(extracted if extracted is not None else [category()])


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    audience = "buddies"
    question = factory.Sequence(lambda n: f"Vraag {n}?")
    answer = "Een antwoord."
    last_reviewed_on = factory.LazyFunction(timezone.localdate)


class LocalServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalService

    municipality = factory.LazyFunction(municipality)
    name = factory.Sequence(lambda n: f"Bibliotheek {n}")
    category = ServiceCategory.LIBRARY
    address = "Kerkstraat 1"
    languages = ["nl", "fr"]
