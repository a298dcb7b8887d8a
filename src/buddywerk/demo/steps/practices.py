"""Step: the practice database: sheets of real initiatives, published the way every sheet
is (a proposal, its author's confirmation, a moderator's publication), and proposals
waiting for moderation (R15)."""

from collections.abc import Sequence
from dataclasses import dataclass

from buddywerk.geo.models import Municipality
from buddywerk.network.models import (
    PolicyDomain,
    Practice,
    PracticeCategory,
    PracticeSubmission,
    TargetGroup,
)
from buddywerk.network.services import (
    practice_submission_confirm,
    practice_submission_create,
    practice_submission_publish,
)
from buddywerk.organisations.models import Programme

from ..people import person

# The sheets are proposed by the platform's editors (described in our own words from
# data/buddy_initiatives.csv and seed 004).
EDITOR = ("Redactie Buddywerk", "redactie@demo.buddywerk.be")

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
    # (title, organisation, place, submitter)
    ("Leesbuddy's in de bib van Lier", "Bibliotheek Lier", "12021", "Lien Lezer"),
    ("Speelpleinbuddy's in Gent", "Jeugddienst Gent", "44021", "Pieter Plein"),
]


def _propose(
    *,
    title: str,
    fields: dict[str, object],
    places: Sequence[str],
    categories: Sequence[str],
    domains: Sequence[str] = (),
    targets: Sequence[str] = (),
    submitter: tuple[str, str],
) -> PracticeSubmission:
    """Someone proposes a sheet on the public form and confirms their address from the
    mail (`practice_submission_confirm` with the mailed token): it joins the queue."""
    submission = practice_submission_create(
        actor=None,
        fields={"title": title, **fields},
        relations={
            "places": list(Municipality.objects.filter(nis_code__in=places)),
            "categories": list(PracticeCategory.objects.filter(slug__in=categories)),
            "policy_domains": list(PolicyDomain.objects.filter(slug__in=domains)),
            "target_groups": list(TargetGroup.objects.filter(slug__in=targets)),
        },
        submitter_name=submitter[0],
        submitter_email=submitter[1],
    )
    return practice_submission_confirm(token=submission.token)


def practices() -> None:
    """Everyone finds fifteen practice sheets in the public practice database (search,
    filters by place, category, policy domain and target group), two of them linked to
    the demo's programmes; the platform admin and the regional coordinator of Antwerpen
    find two proposals waiting for moderation (Netwerk > Moderatie)."""
    admin = person("admin")
    for spec in SHEETS:
        if Practice.objects.filter(title=spec.title).exists():
            continue
        submission = _propose(
            title=spec.title,
            fields={
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
            },
            places=spec.places,
            categories=spec.categories,
            domains=spec.domains,
            targets=spec.targets,
            submitter=EDITOR,
        )
        practice_submission_publish(actor=admin, submission=submission)
    for title, organisation, nis_code, submitter in PENDING:
        if PracticeSubmission.objects.filter(title=title).exists():
            continue
        _propose(
            title=title,
            fields={
                "organisation_name": organisation,
                "summary": "Vrijwilligers lezen en spelen met kinderen die thuis weinig "
                "Nederlands horen.",
                "goals": "Leesplezier\nNederlands oefenen",
                "target_group": "Kinderen van 6 tot 12 jaar",
            },
            places=[nis_code],
            categories=["taalbeleid"],
            submitter=(submitter, f"{submitter.split()[0].lower()}@demo.buddywerk.be"),
        )
