"""Pupils, families and referrals in the admin: every look and every write is audited
(AuditedAdmin), the lists included."""

from django.contrib import admin

from buddywerk.access.admin import AuditedAdmin

from .models import Family, Pupil, Referral


@admin.register(Pupil)
class PupilAdmin(AuditedAdmin):
    audit_changelist = True
    list_display = ["uuid", "school", "school_year"]
    list_filter = ["school_year"]
    raw_id_fields = ["school"]


@admin.register(Family)
class FamilyAdmin(AuditedAdmin):
    audit_changelist = True
    list_display = ["uuid", "referred_by", "household_size"]
    raw_id_fields = ["referred_by", "postcode"]


@admin.register(Referral)
class ReferralAdmin(AuditedAdmin):
    audit_people = ("pupil", "family")
    audit_changelist = True
    list_display = ["uuid", "programme", "status", "submitted_at"]
    list_filter = ["status"]
    raw_id_fields = ["programme", "referrer", "pupil", "family"]
