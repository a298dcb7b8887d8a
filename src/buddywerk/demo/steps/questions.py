"""Step: the questions and answers of the platform (R14)."""

import datetime as dt

from buddywerk.network.models import Question
from buddywerk.network.services import question_save

from .. import dates
from ..people import person

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


def questions() -> None:
    """Buddies, schools, teacher-training institutions and programmes each find their
    questions and answers ("Vragen"), written by the platform admin and reviewed in the
    last months (each shows when it was last reviewed)."""
    admin = person("admin")
    for position, (audience, text, answer) in enumerate(QUESTIONS):
        if Question.objects.filter(question=text).exists():
            continue
        question_save(
            actor=admin,
            question=Question(),
            fields={"audience": audience, "question": text, "answer": answer, "position": position},
            today=dates.today() - dt.timedelta(days=30 * position),
        )
