from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("<uuid:grant_uuid>/", views.grant_detail, name="grant_detail"),
    path("<uuid:grant_uuid>/receipts/<int:receipt_id>/", views.grant_receipt, name="grant_receipt"),
]
