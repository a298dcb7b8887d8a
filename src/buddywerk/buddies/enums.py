"""The choices of the buddies app (R1-R3), apart from the models so that other apps'
models (a programme's buddy kinds) and the profile validators import them without a
circle through buddies.models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BuddyKind(models.TextChoices):
    """R1: who may be a buddy; role model and sector mentor are programme additions [001]."""

    STUDENT_INTERNSHIP = "student_internship", _("Student on internship")
    STUDENT = "student", _("Student (volunteer)")
    TEACHER = "teacher", _("Teaching qualification")
    RETIRED_TEACHER = "retired_teacher", _("Retired teacher")
    ROLE_MODEL = "role_model", _("Role model")
    SECTOR_MENTOR = "sector_mentor", _("Sector mentor")
    # Issue 20: family programmes (Tandem, Compagnons [004]) work with neighbours and
    # former newcomers; they meet a family, never a pupil at school.
    COMMUNITY_VOLUNTEER = (
        "community_volunteer",
        _("Community volunteer (neighbour or former newcomer)"),
    )


STUDENT_KINDS = frozenset({BuddyKind.STUDENT_INTERNSHIP, BuddyKind.STUDENT})
TEACHER_KINDS = frozenset({BuddyKind.TEACHER, BuddyKind.RETIRED_TEACHER})
# R1 names these four for every programme; the other kinds only where a programme adds them.
CORE_KINDS = STUDENT_KINDS | TEACHER_KINDS
# R1 (issue 20): kinds only a programme that works with families may add, for duos with a
# family only.
FAMILY_ONLY_KINDS = frozenset({BuddyKind.COMMUNITY_VOLUNTEER})


class FieldOfStudy(models.TextChoices):
    """R1: a volunteer student studies in an education-related or social field [002]."""

    TEACHER_TRAINING = "teacher_training", _("Teacher training")
    PEDAGOGY = "pedagogy", _("Pedagogy or educational sciences")
    SOCIAL_WORK = "social_work", _("Social work")
    OCCUPATIONAL_THERAPY = "occupational_therapy", _("Occupational therapy")
    SPEECH_THERAPY = "speech_therapy", _("Speech therapy")
    PSYCHOLOGY = "psychology", _("Psychology")
    OTHER = "other", _("Another field")


# R1: the fields that make a student eligible as a volunteer.
ELIGIBLE_FIELDS = frozenset(FieldOfStudy.values) - {FieldOfStudy.OTHER}


class TeachingQualification(models.TextChoices):
    """R1: a teaching qualification (pedagogisch bekwaamheidsbewijs) [002]."""

    BACHELOR = "bachelor", _("Bachelor in education (pre-school, primary or secondary)")
    EDUCATIONAL_MASTER = "educational_master", _("Educational master")
    TEACHER_CERTIFICATE = (
        "teacher_certificate",
        _("Teacher training certificate (SLO, GPB, CAP or similar)"),
    )
    NONE = "none", _("I have no teaching qualification")


class SchoolLevelPreference(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    SECONDARY = "secondary", _("Secondary school")


class ScreeningStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    # Issue 13: taken out after a signal, pending a decision; the duos pause (cascade).
    SUSPENDED = "suspended", _("Suspended")


class ExperienceLevel(models.TextChoices):
    """R3: programmes may distinguish junior and expert buddies."""

    JUNIOR = "junior", _("Junior")
    EXPERT = "expert", _("Expert")


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
