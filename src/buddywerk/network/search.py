"""Full-text search of the practice database in Dutch, with facets (issue 6, R15).

PostgreSQL: a weighted `tsvector` in the `dutch` configuration (title A, summary and
organisation B, the rest C) behind a GIN index, queried with `websearch_to_tsquery` and
ranked with `ts_rank`. SQLite (the demo): every sheet keeps its Snowball Dutch stems, and a
query matches sheets holding every stem of the query, ranked by hits in the title first.
Both give the same answers for the stemming cases the issue names ("buddy's" finds
"buddy", "gezinnen" finds "gezin").
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, QuerySet, Value, When
from django.utils.translation import gettext as _

from buddywerk.geo.models import Province

from .models import PolicyDomain, Practice, PracticeCategory, TargetGroup
from .text import normalise, stem_document, stems, tsquery_text


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _document_parts(practice: Practice) -> tuple[str, str, str]:
    """(title, summary and organisation, everything else) of a sheet, as plain text."""
    names = [
        *(m.name for m in practice.places.all()),
        *(c.name for c in practice.categories.all()),
        *(d.name for d in practice.policy_domains.all()),
        *(t.name for t in practice.target_groups.all()),
    ]
    rest = " ".join(
        [
            practice.description,
            practice.goals,
            practice.target_group,
            practice.success_factors,
            practice.challenges,
            *names,
        ]
    )
    return practice.title, f"{practice.summary} {practice.organisation_name}", rest


def practice_index(practice: Practice) -> None:
    """Refresh the search index of one sheet (called by the services that publish)."""
    title, middle, rest = _document_parts(practice)
    fields: dict[str, Any] = {
        "title_stems": stem_document(title),
        "search_stems": stem_document(f"{title} {middle} {rest}"),
    }
    if uses_postgres():
        fields["search_vector"] = (
            SearchVector(Value(normalise(title)), weight="A", config="dutch")
            + SearchVector(Value(normalise(middle)), weight="B", config="dutch")
            + SearchVector(Value(normalise(rest)), weight="C", config="dutch")
        )
    Practice.objects.filter(pk=practice.pk).update(**fields)


@dataclass
class PracticeFilters:
    q: str = ""
    categories: list[str] = field(default_factory=list)
    policy_domains: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)


@dataclass
class Facet:
    name: str
    param: str
    options: list[Any]  # objects with .code, .name and .n (the count)


def _text_search(qs: QuerySet[Practice], q: str) -> QuerySet[Practice]:
    q = q.strip()
    if not q:
        return qs.annotate(rank=Value(0.0)).order_by("title")
    if uses_postgres():
        raw = tsquery_text(q)
        if not raw:
            return qs.none().annotate(rank=Value(0.0))
        query = SearchQuery(raw, config="dutch", search_type="raw")
        return (
            qs.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "title")
        )
    terms = list(dict.fromkeys(stems(q)))
    if not terms:
        return qs.none().annotate(rank=Value(0.0))
    for term in terms:
        qs = qs.filter(search_stems__contains=f" {term} ")
    rank = sum(
        (
            Case(
                When(title_stems__contains=f" {term} ", then=Value(3)),
                default=Value(1),
                output_field=IntegerField(),
            )
            for term in terms
        ),
        start=Value(0),
    )
    return qs.annotate(rank=rank).order_by("-rank", "title")


def practice_search(filters: PracticeFilters) -> QuerySet[Practice]:
    """Published sheets matching the words and every chosen facet (OR inside a facet)."""
    qs = Practice.objects.published()
    # EXISTS per facet rather than joins: no duplicate rows to remove afterwards, and a
    # semi-join that PostgreSQL plans well next to the full-text condition.
    through = {
        "categories": (Practice.categories.through, "practicecategory__slug__in"),
        "policy_domains": (Practice.policy_domains.through, "policydomain__slug__in"),
        "target_groups": (Practice.target_groups.through, "targetgroup__slug__in"),
        "provinces": (Practice.places.through, "municipality__province_id__in"),
    }
    for name, (model, lookup) in through.items():
        chosen = getattr(filters, name)
        if chosen:
            qs = qs.filter(
                Exists(model.objects.filter(practice_id=OuterRef("pk"), **{lookup: chosen}))
            )
    return _text_search(qs, filters.q)


def has_facet_filters(filters: PracticeFilters) -> bool:
    return bool(
        filters.categories or filters.policy_domains or filters.provinces or filters.target_groups
    )


def practice_search_ids(filters: PracticeFilters) -> list[int]:
    """The ids of the matching sheets, best first. With a facet filter, PostgreSQL plans the
    nested full-text and EXISTS conditions poorly when the page and each facet repeat them;
    evaluating them once and handing the ids on is two to three times faster there
    (benchmarks/practices.py). Without a facet filter the repeated subquery is as fast."""
    return list(practice_search(filters).values_list("pk", flat=True))


def practices_in_order(ids: list[int]) -> list[Practice]:
    """The sheets of `ids` (one page), in that order, with what a result card shows."""
    from .selectors import practice_list_related

    by_id = {p.pk: p for p in practice_list_related(Practice.objects.filter(pk__in=ids))}
    return [by_id[pk] for pk in ids if pk in by_id]


def practice_facets(results: QuerySet[Practice] | list[int]) -> list[Facet]:
    """How many of the results fall in each category, policy domain, province and target
    group: four grouped queries, whatever the number of results."""
    ids: Any = results if isinstance(results, list) else results.order_by().values("pk")

    def counted(qs: QuerySet[Any], relation: str, code: str) -> list[Any]:
        return list(
            qs.filter(**{f"{relation}__in": ids})
            .annotate(n=Count(relation, distinct=True), code=F(code))
            .order_by("-n", "name")
        )

    # Province has a `code` of its own; the other lists expose their slug as `code`.
    provinces = list(
        Province.objects.filter(municipalities__practices__in=ids)
        .annotate(n=Count("municipalities__practices", distinct=True))
        .order_by("-n", "name")
    )
    return [
        Facet(
            _("Category"), "category", counted(PracticeCategory.objects.all(), "practices", "slug")
        ),
        Facet(
            _("Policy domain"), "domain", counted(PolicyDomain.objects.all(), "practices", "slug")
        ),
        Facet(_("Province"), "province", provinces),
        Facet(_("Target group"), "target", counted(TargetGroup.objects.all(), "practices", "slug")),
    ]
