from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("giris/", views.login_page, name="login"),
    path("giris/e-devlet/", views.edevlet_start, name="edevlet_start"),
    path("giris/e-devlet/donus/", views.edevlet_callback, name="edevlet_callback"),
    path("giris/yetkisiz/", views.no_membership, name="no_membership"),
    path("firma-sec/", views.choose_provider, name="choose_provider"),
    path("firma-degistir/", views.switch_provider, name="switch_provider"),
    path("cikis/", views.logout_view, name="logout"),
]
