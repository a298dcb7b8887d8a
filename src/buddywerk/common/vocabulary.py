"""The controlled lists that buddies, referrals, programmes and matching share.

Codes are stable (they are stored and they are the engine's labels); labels are
translated. R1, R5, R8 in DOMAIN.md.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Competence(models.TextChoices):
    """What a buddy can help with; a referral's needs use the same list (R3, R9)."""

    DUTCH = "dutch", _("Reading and writing Dutch")
    MATHS = "maths", _("Maths")
    LEARNING = "learning", _("Learning to learn and planning")
    HOMEWORK = "homework", _("Homework")
    WELLBEING = "wellbeing", _("A listening ear and well-being")
    FAMILY = "family", _("Family support and finding services")
    CAREER = "career", _("Career orientation")


class MeetingMode(models.TextChoices):
    """Where duos meet (R8). `school` and `home` are in person; distance matters there."""

    SCHOOL = "school", _("At school")
    HOME = "home", _("At home")
    ONLINE = "online", _("Online")
    # issue 21: a sector mentor receives the pupil at work; only a mentor's duo meets so
    # (trajectories/services.py), never a matching preference (PREFERENCE_MODE_CHOICES)
    WORKPLACE = "workplace", _("Workplace visit")
    # Issue 20: families meet "out and about" (library, playground, market) [004].
    OUT_ABOUT = "out_about", _("Out and about (library, playground, market)")


IN_PERSON_MODES = frozenset({MeetingMode.SCHOOL, MeetingMode.HOME, MeetingMode.OUT_ABOUT})
# Modes a duo may meet in that buddies and referrals do not choose as a preference
DUO_ONLY_MODES = frozenset({MeetingMode.WORKPLACE})
PREFERENCE_MODE_CHOICES = [c for c in MeetingMode.choices if c[0] not in DUO_ONLY_MODES]


class Weekday(models.TextChoices):
    MON = "mon", _("Monday")
    TUE = "tue", _("Tuesday")
    WED = "wed", _("Wednesday")
    THU = "thu", _("Thursday")
    FRI = "fri", _("Friday")


class DayPart(models.TextChoices):
    """When in the day (R8: during school hours, at lunch, after school, ...)."""

    MORNING = "am", _("Morning")
    LUNCH = "lunch", _("Lunch break")
    AFTERNOON = "pm", _("Afternoon")
    AFTER_SCHOOL = "after", _("After school")
    EVENING = "eve", _("Evening")


def slot_code(day: str, part: str) -> str:
    """A weekly time slot as one label, e.g. "wed-pm" (the matching engine's format)."""
    return f"{day}-{part}"


ALL_SLOTS = [slot_code(day, part) for day in Weekday.values for part in DayPart.values]


def slot_label(code: str) -> str:
    day, part = code.split("-", 1)
    return f"{Weekday(day).label} {str(DayPart(part).label).lower()}"


class SchoolYear(models.IntegerChoices):
    """School years 1-6 primary (lager) and 7-12 secondary (1st-6th year) (R5)."""

    P1 = 1, pgettext_lazy("school year", "1st year primary")
    P2 = 2, pgettext_lazy("school year", "2nd year primary")
    P3 = 3, pgettext_lazy("school year", "3rd year primary")
    P4 = 4, pgettext_lazy("school year", "4th year primary")
    P5 = 5, pgettext_lazy("school year", "5th year primary")
    P6 = 6, pgettext_lazy("school year", "6th year primary")
    S1 = 7, pgettext_lazy("school year", "1st year secondary")
    S2 = 8, pgettext_lazy("school year", "2nd year secondary")
    S3 = 9, pgettext_lazy("school year", "3rd year secondary")
    S4 = 10, pgettext_lazy("school year", "4th year secondary")
    S5 = 11, pgettext_lazy("school year", "5th year secondary")
    S6 = 12, pgettext_lazy("school year", "6th year secondary")


# The transition years that the Flemish roll-out targets (R5, seed 003).
TRANSITION_YEARS = (1, 6, 7, 8, 10, 12)


class Language(models.TextChoices):
    """Home and contact languages most asked for in Flemish schools and newcomer families."""

    NL = "nl", _("Dutch")
    FR = "fr", _("French")
    EN = "en", _("English")
    AR = "ar", _("Arabic")
    TR = "tr", _("Turkish")
    PL = "pl", _("Polish")
    RO = "ro", _("Romanian")
    BG = "bg", _("Bulgarian")
    RU = "ru", _("Russian")
    UK = "uk", _("Ukrainian")
    ES = "es", _("Spanish")
    PT = "pt", _("Portuguese")
    IT = "it", _("Italian")
    DE = "de", _("German")
    SO = "so", _("Somali")
    TI = "ti", _("Tigrinya")
    AM = "am", _("Amharic")
    FA = "fa", _("Persian (Dari, Farsi)")
    PS = "ps", _("Pashto")
    KU = "ku", _("Kurdish")
    BER = "ber", _("Berber (Tamazight)")
    SQ = "sq", _("Albanian")
    HI = "hi", _("Hindi")
    UR = "ur", _("Urdu")
    ZH = "zh", _("Chinese")
    OTHER = "other", _("Another language")


class StudyTrack(models.TextChoices):
    """A secondary pupil's study track in Flanders (issue 21): the first grade's A and B
    stream, the four forms of the second and third grade, OKAN and special education."""

    FIRST_A = "first_a", _("First grade, A stream")
    FIRST_B = "first_b", _("First grade, B stream")
    ASO = "aso", _("ASO (general secondary education)")
    TSO = "tso", _("TSO (technical secondary education)")
    BSO = "bso", _("BSO (vocational secondary education)")
    KSO = "kso", _("KSO (arts secondary education)")
    OKAN = "okan", _("OKAN (reception class for newcomers)")
    SPECIAL = "special", _("Special education")


class Sector(models.TextChoices):
    """A short list of sectors for a pupil's dream and a mentor's work (issue 21)."""

    CONSTRUCTION = "construction", _("Construction and wood")
    TECHNOLOGY = "technology", _("Technology and industry")
    ICT = "ict", _("ICT and digital media")
    CARE = "care", _("Care and welfare")
    HOSPITALITY = "hospitality", _("Food and hospitality")
    BUSINESS = "business", _("Business, sales and office")
    LOGISTICS = "logistics", _("Transport and logistics")
    BEAUTY = "beauty", _("Hair and beauty care")
    NATURE = "nature", _("Agriculture, gardens and animals")
    ARTS = "arts", _("Arts, media and design")
    PUBLIC = "public", _("Public service, safety and law")
    EDUCATION = "education", _("Education and sport")


class PathShownTo(models.TextChoices):
    """Who sees a mentor's or role model's own path (issue 21): the buddy chooses."""

    COORDINATOR = "coordinator", _("Only the coordinator")
    SCHOOL = "school", _("The coordinator and the school")
