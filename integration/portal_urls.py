from django.urls import path

from . import views

app_name = "integration"

urlpatterns = [
    path("api-belgeleri/", views.docs, name="docs"),
    path(
        "marka/<int:brand_id>/yetki/<int:grant_id>/erisim-kaydi.csv",
        views.grant_access_log,
        name="grant_access_log",
    ),
]
