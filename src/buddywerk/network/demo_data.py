"""Demo data of the network: the real initiatives of data/buddy_initiatives.csv and seed
004 as practice sheets (described in our own words), proposals waiting for moderation,
Q&A for every audience, and local services in Gent and Mechelen.

Idempotent: sheets are keyed on their title, questions on their text, services on
(municipality, name); a second run changes nothing.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import Programme

from .models import (
    LocalService,
    PolicyDomain,
    Practice,
    PracticeCategory,
    PracticeSubmission,
    PracticeVersion,
    Question,
    ServiceCategory,
    ServiceIntroduction,
    SubmissionStatus,
    TargetGroup,
)
from .search import practice_index
from .text import stem_document

# Places for Flemish-wide initiatives: the centre cities where they are most visible.
CENTRE_CITIES = ["11002", "44021", "24062", "31005", "71016", "12025"]


@dataclass(frozen=True)
class Sheet:
    title: str
    organisation: str
    places: list[str]
    summary: str
    goals: str
    target_group: str
    categories: list[str]
    domains: list[str]
    targets: list[str]
    success_factors: str = ""
    challenges: str = ""
    description: str = ""
    website: str = ""
    programme: str = ""
    extra: dict[str, str] = field(default_factory=dict)


SHEETS = [
    Sheet(
        "Tandem: een buddy voor nieuwe gezinnen in Gent",
        "IN-Gent vzw",
        ["44021"],
        "Een vrijwilliger trekt zes maanden lang twee keer per maand op stap met een gezin "
        "dat net in Gent aankwam, en leert het zo de stad en haar diensten kennen.",
        "Het netwerk van het gezin groter maken en meer laten deelnemen aan de samenleving\n"
        "Samen de weg vinden naar kinderopvang, bibliotheek, speelplein of taalkamp\n"
        "Zonder druk Nederlands oefenen",
        "Gezinnen die pas in België zijn (gezinshereniging), die weinig of geen Nederlands "
        "spreken of het moeilijk hebben.",
        ["gezinsbuddy", "inclusieve-vrije-tijd", "ontmoeting-participatie", "taalbeleid"],
        ["sociaal-beleid", "taalbeleid", "vrije-tijd", "vrijwilligerswerk"],
        ["gezinnen", "nieuwkomers"],
        success_factors="De taak van de buddy is duidelijk begrensd: geen hulpverlening, "
        "geen woning zoeken\n"
        "Zes maanden geeft tijd om elkaar stap voor stap te leren kennen\n"
        "Bij het koppelen tellen de noden en het profiel van buddy én gezin\n"
        "Elke maand komen de buddy's samen; hun ideeën en signalen gaan naar de stad\n"
        "Groepsactiviteiten brengen gezinnen samen\n"
        "Eenvoudig Nederlands en berichten via WhatsApp werken goed\n"
        "Duidelijke afspraken bij de start",
        challenges="Buddy's en gezinnen vinden kost veel tijd\n"
        "Goed doorverwijzen bij problemen met wonen of kinderopvang is moeilijk\n"
        "Door zorgen rond wonen of gezondheid lukt twee keer per maand niet altijd\n"
        "Wie Nederlandse les volgt, heeft minder vrije momenten",
        description="Veel buddy's kwamen zelf ooit als nieuwkomer naar Gent en spreken de "
        "taal van het gezin. Dat maakt het makkelijker om elkaar te begrijpen en geeft de "
        "buddy zelf ook meer zelfvertrouwen.",
        programme="Gezinsbuddy Gent",
    ),
    Sheet(
        "Compagnons in Pelt",
        "Lokale buddywerking Pelt",
        ["72043"],
        "Buddy's gaan samen met kinderen en hun ouders op pad en bieden een luisterend oor.",
        "Gezinnen steunen in hun dagelijks leven\nSamen de buurt verkennen",
        "Kinderen en hun gezin",
        ["gezinsbuddy", "ontmoeting-participatie"],
        ["sociaal-beleid", "vrijwilligerswerk"],
        ["gezinnen"],
    ),
    Sheet(
        "Gezinsbuddy's in Kortrijk",
        "Stad Kortrijk",
        ["34022"],
        "Ook Kortrijk werkt met buddy's voor gezinnen, volgens hetzelfde idee als Tandem; "
        "meer details volgen.",
        "Gezinnen laten deelnemen aan het leven in de stad",
        "Gezinnen en leerlingen",
        ["gezinsbuddy"],
        ["sociaal-beleid"],
        ["gezinnen"],
    ),
    Sheet(
        "Buddy Leuven",
        "Stad Leuven, met KU Leuven, UCLL en VUB",
        ["24062"],
        "Studenten begeleiden na school één of twee leerlingen die een duwtje in de rug "
        "kunnen gebruiken, een of twee keer per week.",
        "Leerlingen motiveren\nHelpen bij vakken en bij leren leren",
        "Leerlingen van het basis- en secundair onderwijs in een kwetsbare situatie",
        ["schoolbuddy", "huiswerkbegeleiding"],
        ["onderwijs", "vrijwilligerswerk"],
        ["basisonderwijs", "secundair-onderwijs"],
        description="Een van de oudste buddywerkingen van Vlaanderen (sinds 2007) en het "
        "voorbeeld voor Leerbuddy Vlaanderen. Honderden buddy's zijn actief in tientallen "
        "Leuvense scholen.",
        website="https://www.buddyleuven.be",
    ),
    Sheet(
        "Buddy Mechelen",
        "Stad Mechelen, team Leerrecht en GOK",
        ["12025"],
        "Een buddy komt elke week naar school voor één leerling die zich niet goed voelt, "
        "en werkt aan welbevinden, zelfvertrouwen en talenten.",
        "Welbevinden en zelfvertrouwen laten groeien\nTalenten ontdekken",
        "Kwetsbare leerlingen met een laag welbevinden in het lager onderwijs en de eerste "
        "graad secundair",
        ["schoolbuddy"],
        ["onderwijs", "vrijwilligerswerk"],
        ["basisonderwijs", "secundair-onderwijs"],
        success_factors="Samenwerking in tandem met leerkracht en ouders\n"
        "Een school- en een buddycoördinator volgen elke buddy op",
        website="https://www.mechelen.be/buddy",
        programme="Buddy Mechelen",
    ),
    Sheet(
        "Buddywerking in Aalst",
        "Stad Aalst",
        ["41002"],
        "Aalst stapte in 2020 in Leerbuddy Vlaanderen om een eigen buddywerking voor "
        "leerlingen op te starten.",
        "Leerlingen extra begeleiding geven",
        "Leerlingen",
        ["schoolbuddy"],
        ["onderwijs"],
        ["basisonderwijs"],
    ),
    Sheet(
        "Studenten als buddy voor jongeren in Aalst",
        "LEJO vzw, HOGENT en Odisee",
        ["41002"],
        "Studenten van de hogeschool worden buddy van jongeren, naast trajectbegeleiding en "
        "vorming, zodat die jongeren zin krijgen om verder te studeren.",
        "Jongeren perspectief geven\nDe stap naar hoger onderwijs kleiner maken",
        "Kwetsbare jongeren",
        ["tutoraat"],
        ["onderwijs", "sociaal-beleid"],
        ["jongeren"],
    ),
    Sheet(
        "Leerbuddy Vlaanderen",
        "Schoolmakers vzw",
        CENTRE_CITIES,
        "Steunt buddy- en tutorwerkingen in heel Vlaanderen: een zoekmachine voor scholen, "
        "een academie met online modules, intervisies en lerende netwerken.",
        "Buddywerkingen versterken en nieuwe helpen starten\nScholen helpen een buddy te vinden",
        "Scholen en hun leerlingen op scharniermomenten; bestaande en nieuwe buddywerkingen",
        ["schoolbuddy"],
        ["onderwijs", "vrijwilligerswerk"],
        ["basisonderwijs", "secundair-onderwijs"],
        website="https://leerbuddy.vlaanderen/",
    ),
    Sheet(
        "Tutoraat in Antwerpen",
        "Associatie Universiteit & Hogescholen Antwerpen",
        ["11002"],
        "Studenten helpen scholieren uit het secundair met hun vakken en vertellen hoe het "
        "hoger onderwijs werkt.",
        "Meer scholieren naar het hoger onderwijs",
        "Leerlingen in het secundair die het moeilijk hebben, vaak met een andere thuistaal",
        ["tutoraat"],
        ["onderwijs"],
        ["secundair-onderwijs"],
    ),
    Sheet(
        "Tutors aan huis in Gent",
        "Arteveldehogeschool",
        ["44021"],
        "Studenten onderwijs en sociaal werk komen bij kinderen thuis voor taal, huiswerk en "
        "een goed contact met de ouders over school.",
        "Taal stimuleren\nHuiswerk begeleiden\nOuders bij de schoolloopbaan betrekken",
        "Leerlingen uit gezinnen met weinig middelen",
        ["tutoraat", "huiswerkbegeleiding"],
        ["onderwijs"],
        ["basisonderwijs", "gezinnen"],
    ),
    Sheet(
        "Tutorprojecten van hogescholen en universiteiten",
        "Arteveldehogeschool, UGent, VUB, Odisee, Thomas More, PXL en AUHA",
        ["44021", "11002", "21004", "71072"],
        "Zeven projecten waarin duizend studenten per jaar meer dan tweeduizend leerlingen "
        "helpen met studeren, motivatie en taal.",
        "Studie- en huiswerkbegeleiding\nStudiemotivatie\nTaalondersteuning",
        "Kwetsbare leerlingen van het basis- en secundair onderwijs",
        ["tutoraat", "huiswerkbegeleiding"],
        ["onderwijs"],
        ["basisonderwijs", "secundair-onderwijs"],
    ),
    Sheet(
        "Mentor2Study",
        "vzw 1.001 Schakels",
        ["23088"],
        "Studenten, vaak zelf oud-deelnemers, nemen scholieren onder hun vleugels: huiswerk, "
        "een luisterend oor, zelfvertrouwen en een netwerk.",
        "Zelfvertrouwen en sociale vaardigheden\nEen netwerk opbouwen",
        "Leerlingen van het secundair onderwijs",
        ["tutoraat"],
        ["onderwijs", "vrijwilligerswerk"],
        ["secundair-onderwijs", "jongeren"],
    ),
    Sheet(
        "Huiswerkbegeleiding door vrijwilligers van Auxilia",
        "Auxilia vzw",
        CENTRE_CITIES,
        "Meer dan duizend vrijwilligers helpen kinderen een uur per week met huiswerk, lezen "
        "en schrijven; ook wie geen leerkracht is, kan meedoen.",
        "Kinderen helpen met huiswerk\nBegeleiden naar de examencommissie",
        "Kinderen en jongeren uit gezinnen in armoede",
        ["huiswerkbegeleiding"],
        ["onderwijs", "vrijwilligerswerk"],
        ["basisonderwijs", "secundair-onderwijs"],
    ),
    Sheet(
        "De Huiswerkbrug in Tienen",
        "De Huiswerkbrug",
        ["24107"],
        "Een vrijwilliger helpt een gezin thuis om structuur rond het huiswerk te brengen en "
        "meer mee te doen aan vrije tijd.",
        "Structuur rond huiswerk\nMeer deelnemen aan vrije tijd",
        "Kinderen en jongeren in een kwetsbare situatie, en hun gezin",
        ["huiswerkbegeleiding", "gezinsbuddy"],
        ["onderwijs", "vrije-tijd"],
        ["gezinnen", "basisonderwijs"],
    ),
    Sheet(
        "Buddy's voor nieuwe inwoners in Wetteren",
        "Gemeente Wetteren",
        ["42025"],
        "Buddy's uit de gemeente maken nieuwe inwoners wegwijs in Wetteren en in het aanbod "
        "van sport en cultuur; ze worden gekoppeld op gedeelde interesses.",
        "Nieuwe inwoners thuis laten voelen\nSport en cultuur leren kennen",
        "Nieuwe inwoners en inburgeraars, vaak jonge gezinnen met kleine kinderen",
        ["nieuwkomers", "ontmoeting-participatie", "inclusieve-vrije-tijd"],
        ["sociaal-beleid", "vrije-tijd", "vrijwilligerswerk"],
        ["nieuwkomers", "gezinnen"],
    ),
]

PENDING = [
    # (title, organisation, place, submitter, status)
    (
        "Leesbuddy's in de bib van Lier",
        "Bibliotheek Lier",
        "12021",
        "Lien Lezer",
        SubmissionStatus.SUBMITTED,
    ),
    (
        "Speelpleinbuddy's in Gent",
        "Jeugddienst Gent",
        "44021",
        "Pieter Plein",
        SubmissionStatus.SUBMITTED,
    ),
]

QUESTIONS = [
    (
        "buddies",
        "Moet ik een uittreksel uit het strafregister hebben?",
        "Ja. Je verklaart op eer dat je een uittreksel model 2 kunt tonen (voor werken met "
        "minderjarigen). De buddywerking noteert wanneer ze het zag.",
    ),
    (
        "buddies",
        "Kan ik zelf kiezen naar welke intervisie ik ga?",
        "Ja. Je kiest zelf. De intervisies lopen van half januari tot eind mei, telkens rond "
        "een thema zoals een warme band opbouwen.",
    ),
    (
        "buddies",
        "Ben ik verzekerd als ik bij een gezin thuis kom?",
        "Ja. De organisatie die jou koppelde, verzekert je: je opleiding als het een stage "
        "is, anders de buddywerking.",
    ),
    (
        "schools",
        "Hoe vraagt een school een buddy aan voor een leerling?",
        "De zorgcoördinator meldt de leerling aan bij een buddywerking in de buurt. Alleen "
        "scholen kunnen een leerbuddy aanvragen: de school houdt de regie.",
    ),
    (
        "teacher_training",
        "Kan buddywerk meetellen als stage?",
        "Ja. Een student kan buddy zijn als deel van de opleiding; de opleiding verzekert de "
        "student dan, op school en aan huis.",
    ),
    (
        "programmes",
        "Hoe lang duurt een traject?",
        "Een traject begint te renderen na zes tot twaalf weken. Gezinstrajecten lopen vaak "
        "zes maanden, twee keer per maand.",
    ),
]

LOCAL_SERVICES = [
    # (nis, name, category, address, phone, languages, description)
    (
        "44021",
        "Bibliotheek De Krook",
        ServiceCategory.LIBRARY,
        "Miriam Makebaplein 1, 9000 Gent",
        "09 323 68 00",
        ["nl", "fr", "en", "ar", "tr"],
        "Gratis lidkaart voor kinderen, boeken in veel talen, voorleesmomenten.",
    ),
    (
        "44021",
        "Speelpleinwerking Gent",
        ServiceCategory.YOUTH,
        "Kortrijksesteenweg 1, 9000 Gent",
        "",
        ["nl"],
        "Speelpleinen in de vakanties voor kinderen van 3 tot 15 jaar.",
    ),
    (
        "44021",
        "Huis van het Kind Gent",
        ServiceCategory.CHILDCARE,
        "Sint-Salvatorstraat 18, 9000 Gent",
        "",
        ["nl", "fr", "en", "ar"],
        "Hulp bij het vinden van kinderopvang en opvoedingsvragen.",
    ),
    (
        "44021",
        "Zomertaalkamp Gent",
        ServiceCategory.LANGUAGE,
        "Kortrijksepoortstraat 1, 9000 Gent",
        "",
        ["nl"],
        "Kinderen oefenen in de zomer spelenderwijs Nederlands.",
    ),
    (
        "44021",
        "OCMW Gent – Sociaal Huis",
        ServiceCategory.WELFARE,
        "Onderbergen 86, 9000 Gent",
        "",
        ["nl", "fr", "en"],
        "",
    ),
    (
        "12025",
        "Stadsbibliotheek Mechelen",
        ServiceCategory.LIBRARY,
        "Blokstraat 21, 2800 Mechelen",
        "",
        ["nl", "fr", "en"],
        "",
    ),
    (
        "12025",
        "Sportdienst Mechelen",
        ServiceCategory.SPORTS,
        "Veemarkt 45, 2800 Mechelen",
        "",
        ["nl"],
        "Sportkampen en een vrijetijdspas voor gezinnen met een beperkt inkomen.",
    ),
]


def _sheets() -> None:
    now = timezone.now()
    for spec in SHEETS:
        practice, created = Practice.objects.get_or_create(
            title=spec.title,
            defaults={
                "organisation_name": spec.organisation,
                "summary": spec.summary,
                "description": spec.description,
                "goals": spec.goals,
                "target_group": spec.target_group,
                "success_factors": spec.success_factors,
                "challenges": spec.challenges,
                "website": spec.website,
                "programme": Programme.objects.filter(name=spec.programme).first()
                if spec.programme
                else None,
                "published_at": now,
            },
        )
        if not created:
            continue
        practice.full_clean()
        practice.places.set(Municipality.objects.filter(nis_code__in=spec.places))
        practice.categories.set(PracticeCategory.objects.filter(slug__in=spec.categories))
        practice.policy_domains.set(PolicyDomain.objects.filter(slug__in=spec.domains))
        practice.target_groups.set(TargetGroup.objects.filter(slug__in=spec.targets))
        PracticeVersion.objects.create(
            practice=practice, number=1, content={"title": spec.title}, published_at=now
        )
        practice_index(practice)


def _pending() -> None:
    for title, organisation, nis_code, submitter, status in PENDING:
        submission, created = PracticeSubmission.objects.get_or_create(
            title=title,
            defaults={
                "organisation_name": organisation,
                "summary": "Vrijwilligers lezen en spelen met kinderen die thuis weinig "
                "Nederlands horen.",
                "goals": "Leesplezier\nNederlands oefenen",
                "target_group": "Kinderen van 6 tot 12 jaar",
                "submitter_name": submitter,
                "submitter_email": f"{submitter.split()[0].lower()}@demo.buddywerk.be",
                "token": f"demo-{title.split()[0].lower()}-{nis_code}",
                "status": status,
                "confirmed_at": timezone.now(),
            },
        )
        if created:
            submission.places.set(Municipality.objects.filter(nis_code=nis_code))
            submission.categories.set(PracticeCategory.objects.filter(slug="taalbeleid"))


def _questions() -> None:
    today = timezone.localdate()
    for position, (audience, text, answer) in enumerate(QUESTIONS):
        question, created = Question.objects.get_or_create(
            question=text,
            defaults={
                "audience": audience,
                "answer": answer,
                "position": position,
                "last_reviewed_on": today - dt.timedelta(days=30 * position),
                "search_stems": stem_document(f"{text} {answer}"),
            },
        )


def _local_services() -> None:
    for nis_code, name, category, address, phone, languages, description in LOCAL_SERVICES:
        LocalService.objects.get_or_create(
            municipality=Municipality.objects.get(nis_code=nis_code),
            name=name,
            defaults={
                "category": category,
                "address": address,
                "phone": phone,
                "languages": languages,
                "description": description,
            },
        )


# [004] The family buddies of the demo led their families to these services (by name).
INTRODUCTIONS = ["Bibliotheek De Krook", "Speelpleinwerking Gent"]


def _introductions() -> None:
    """Each demo duo with a family: the buddy introduced the family to two local services,
    the first at their latest meeting, through the service (so the audit trail is real).
    The programme's "services reached" page then has figures."""
    from buddywerk.trajectories.models import Meeting, Participant

    from .services import service_introduction_record

    participants = Participant.objects.filter(family__isnull=False).select_related(
        "family", "trajectory__buddy__user"
    )
    for participant in participants:
        family, trajectory = participant.family, participant.trajectory
        if ServiceIntroduction.objects.filter(family=family).exists():
            continue  # idempotent
        meeting = (
            Meeting.objects.filter(trajectory=trajectory, date__lte=timezone.localdate())
            .order_by("-date")
            .first()
        )
        for position, name in enumerate(INTRODUCTIONS):
            service = LocalService.objects.filter(name=name).first()
            if service is None:
                continue
            at_meeting = meeting if position == 0 else None
            service_introduction_record(
                actor=trajectory.buddy.user,
                family=family,
                service=service,
                introduced_on=at_meeting.date
                if at_meeting
                else timezone.localdate() - dt.timedelta(days=10),
                meeting=at_meeting,
                note="",
            )


def build() -> None:
    _sheets()
    _pending()
    _questions()
    _local_services()
    _introductions()
