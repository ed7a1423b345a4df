from django.urls import path

from . import views, views_delegates

app_name = "accounts"

urlpatterns = [
    path("giris/", views.login_page, name="login"),
    path("giris/e-devlet/", views.edevlet_start, name="edevlet_start"),
    path("giris/e-devlet/donus/", views.edevlet_callback, name="edevlet_callback"),
    path("giris/yetkisiz/", views.no_membership, name="no_membership"),
    path("firma-sec/", views.choose_provider, name="choose_provider"),
    path("firma-degistir/", views.switch_provider, name="switch_provider"),
    path("cikis/", views.logout_view, name="logout"),
    path(
        "yetkilendirme-talebi/",
        views.authorization_request_new,
        name="authorization_request_new",
    ),
    path(
        "yetkilendirme-talebi/alindi/",
        views.authorization_request_sent,
        name="authorization_request_sent",
    ),
    path(
        "yetkilendirme-talebi/<str:number>/imzali-form/<str:token>/",
        views.authorization_request_upload,
        name="authorization_request_upload",
    ),
    path("yetkilendirmeler/", views_delegates.delegates, name="delegates"),
    path(
        "yetkilendirmeler/talep/<int:pk>/onayla/",
        views_delegates.authorization_request_approve_view,
        name="authorization_request_approve",
    ),
    path(
        "yetkilendirmeler/talep/<int:pk>/reddet/",
        views_delegates.authorization_request_reject_view,
        name="authorization_request_reject",
    ),
    path(
        "yetkilendirmeler/kisi/<int:pk>/kaldir/",
        views_delegates.delegate_deactivate_view,
        name="delegate_deactivate",
    ),
    path(
        "yetkilendirmeler/kisi/<int:pk>/roller/",
        views_delegates.delegate_roles_view,
        name="delegate_roles",
    ),
]
