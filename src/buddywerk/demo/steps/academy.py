"""Step: the academy: its modules, the ones Buddy Mechelen requires, and a first one done."""

from buddywerk.learning.models import Audience, Module, ModuleFormat, RequiredModule
from buddywerk.learning.services import module_complete, required_modules_set
from buddywerk.organisations.models import Programme

from ..people import person

MODULES = [
    (
        "warme-band",
        "Een warme band opbouwen",
        "Relatie",
        ModuleFormat.TEXT,
        25,
        "## Waarom een warme band eerst komt\n\n"
        "Een leerling die zich **veilig** voelt bij de buddy, durft fouten te maken en "
        "vragen te stellen. Leren komt daarna.\n\n"
        "## Zo begin je\n\n"
        "- Vraag naar wat de leerling graag doet, niet eerst naar punten.\n"
        "- Hou je afspraken: kom op tijd, elke week.\n"
        "- Vertel ook iets over jezelf.\n\n"
        "## Om over na te denken\n\n"
        "Wat maakte dat jij je vroeger veilig voelde bij een volwassene?",
    ),
    (
        "kader-en-afspraken",
        "Een duidelijk kader: wat een buddy wel en niet doet",
        "Afspraken",
        ModuleFormat.GUIDE,
        20,
        "Een buddy helpt met leren en welbevinden. Een buddy doet **geen** hulpverlening en "
        "zoekt geen woning. Merk je een zorg op? Geef ze door aan je coördinator of aan de "
        "school.\n\n"
        "1. Maak bij de start afspraken met de school of het gezin.\n"
        "2. Noteer elk contactmoment.\n"
        "3. Bespreek twijfels in de intervisie.",
    ),
    (
        "rekenen-lager",
        "Remediëring wiskunde in de lagere school",
        "Wiskunde",
        ModuleFormat.WEBINAR,
        45,
        "Een opname van het webinar over rekenen met concreet materiaal, met tips om "
        "bewerkingen stap voor stap op te bouwen.",
    ),
    (
        "ouders-betrekken",
        "Ouders betrekken: de tandem buddy-ouders",
        "Tandem",
        ModuleFormat.VIDEO,
        15,
        "Hoe help je ouders met de schoolagenda en het schoolplatform? En hoe geef je hun "
        "signalen door aan de school?",
    ),
]
REQUIRED_BY_MECHELEN = ["warme-band", "kader-en-afspraken"]


def academy() -> None:
    """Buddies find four academy modules (text, guide, webinar, video). Buddy Mechelen
    requires two of them before a first duo, so its screening queue shows who still
    misses one; Sara (buddy.stagiair) did the first and wrote a reflection.

    The modules are reference content without a service (the admin edits them directly,
    like the geography and the vocabularies): they are created here as such."""
    for position, (slug, title, theme, kind, minutes, body) in enumerate(MODULES):
        if not Module.objects.filter(slug=slug).exists():
            Module.objects.create(
                slug=slug,
                title=title,
                theme=theme,
                format=kind,
                minutes=minutes,
                body=body,
                position=position,
                audience=Audience.BUDDIES,
                url="https://leerbuddy.vlaanderen/" if kind != ModuleFormat.TEXT else "",
            )
    mechelen = Programme.objects.get(name="Buddy Mechelen")
    if not RequiredModule.objects.filter(programme=mechelen).exists():
        required_modules_set(
            actor=person("coordinator.mechelen"),
            programme=mechelen,
            modules=list(Module.objects.filter(slug__in=REQUIRED_BY_MECHELEN)),
        )
        module_complete(
            actor=person("buddy.stagiair"),
            module=Module.objects.get(slug="warme-band"),
            reflection="Eerst luisteren, dan pas helpen met huiswerk.",
        )
