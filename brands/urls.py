from django.urls import path

from . import views

app_name = "brands"

urlpatterns = [
    path("", views.index, name="index"),
    path("yeni/", views.brand_add, name="brand_add"),
    path("<int:brand_id>/ad/", views.brand_rename, name="brand_rename"),
    path("<int:brand_id>/is-ortagi/", views.partner_add, name="partner_add"),
    path("<int:brand_id>/ahs/", views.ahs_add, name="ahs_add"),
    path("<int:brand_id>/gecmis/", views.history, name="history"),
    path("<int:brand_id>/yetki/<int:grant_id>/kaldir/", views.grant_revoke, name="grant_revoke"),
]
