"""Pupils, families and referrals in the admin: read-only, and every look is audited, the
lists included. Schools and services write them in the application (the referral form,
through referrals.services); a referral's status moves through its workflow there. None
is deleted here: deleting a child's data is the data lifecycle's job (issue 15)."""

from django.contrib import admin

from buddywerk.common.admin import AuditedReadOnlyAdmin

from .models import Family, Pupil, Referral


@admin.register(Pupil)
class PupilAdmin(AuditedReadOnlyAdmin):
    audit_changelist = True
    list_display = ["uuid", "school", "school_year"]
    list_filter = ["school_year"]


@admin.register(Family)
class FamilyAdmin(AuditedReadOnlyAdmin):
    audit_changelist = True
    list_display = ["uuid", "referred_by", "household_size"]


@admin.register(Referral)
class ReferralAdmin(AuditedReadOnlyAdmin):
    audit_people = ("pupil", "family")
    audit_changelist = True
    list_display = ["uuid", "programme", "status", "submitted_at"]
    list_filter = ["status"]
