from django.urls import path

from buddywerk.common.urls import actions

from . import views

app_name = "organisations"

urlpatterns = [
    path("programmes/", views.programme_finder, name="finder"),
    path("programmes/join/", views.programme_join, name="join"),
    path("programmes/<uuid:programme_uuid>/", views.programme_detail, name="programme_detail"),
    path("schools/register/", views.school_register, name="school_register"),
    path("schools/register/done/", views.school_register_done, name="school_register_done"),
    path(
        "schools/registrations/",
        views.school_registration_list,
        name="school_registration_list",
    ),
    *actions(
        "schools/registrations/<uuid:school_uuid>/",
        views,
        "school_registration",
        ["confirm", "decline"],
    ),
    path("schools/staff/", views.school_staff_home, name="school_staff_home"),
    path("schools/<uuid:school_uuid>/staff/", views.school_staff, name="school_staff"),
    path(
        "schools/<uuid:school_uuid>/staff/<uuid:user_uuid>/revoke/",
        views.school_staff_revoke,
        name="school_staff_revoke",
    ),
    # Issue 20, point 3: services and their staff.
    path("services/", views.service_list, name="service_list"),
    path("services/register/", views.service_register, name="service_register"),
    path("services/mine/", views.my_service, name="my_service"),
    path("services/<uuid:service_uuid>/", views.service_detail, name="service_detail"),
    path("services/<uuid:service_uuid>/edit/", views.service_edit, name="service_edit"),
    path(
        "services/<uuid:service_uuid>/staff/<uuid:user_uuid>/revoke/",
        views.service_staff_revoke,
        name="service_staff_revoke",
    ),
]
