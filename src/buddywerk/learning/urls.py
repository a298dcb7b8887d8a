from django.urls import path

from buddywerk.common.urls import actions

from . import views

app_name = "learning"

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<uuid:event_uuid>/", views.event_detail, name="event_detail"),
    *actions("events/<uuid:event_uuid>/", views, "event", ["register", "manage", "attendance"]),
    path("events/<uuid:event_uuid>/notes/", views.event_note, name="event_note"),
    path("events/<uuid:event_uuid>/edit/", views.event_edit, name="event_edit"),
    path(
        "registrations/<uuid:registration_uuid>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "programmes/<uuid:programme_uuid>/meetup-notes/",
        views.programme_notes,
        name="programme_notes",
    ),
    path(
        "programmes/<uuid:programme_uuid>/required-modules/",
        views.required_modules,
        name="required_modules",
    ),
    path("modules/", views.module_list, name="module_list"),
    path("modules/new/", views.module_create, name="module_create"),
    path("modules/<slug:slug>/", views.module_detail, name="module_detail"),
    path("modules/<slug:slug>/edit/", views.module_edit, name="module_edit"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
