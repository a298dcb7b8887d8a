from django.urls import path

from . import views

app_name = "coverage"

urlpatterns = [
    path("", views.coverage_map, name="map"),
    path("coverage.csv", views.coverage_csv, name="csv"),
    path("<str:nis_code>/", views.coverage_municipality, name="municipality"),
]
