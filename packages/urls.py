from django.urls import path

from . import views

app_name = "packages"

urlpatterns = [
    path("", views.manage, name="manage"),
    path("satin-al/", views.purchase, name="purchase"),
    path("teklif/", views.quote_request, name="quote"),
    path("teklif/<int:pk>/kabul/", views.quote_accept, name="quote_accept"),
    path("siparis/<str:code>/sozlesme/", views.contract, name="contract"),
    path("siparis/<str:code>/sozlesme.pdf", views.contract_pdf, name="contract_pdf"),
    path("siparis/<str:code>/iptal/", views.cancel, name="cancel"),
]
