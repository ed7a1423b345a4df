from django.urls import path

from . import views, views_files

app_name = "consents"

urlpatterns = [
    path("", views.index, name="index"),
    path("ekle/", views.add, name="add"),
    path("sorgula/", views.query, name="query"),
    path("<int:consent_id>/", views.detail, name="detail"),
    path("yukleme/", views_files.upload, name="upload"),
    path("yukleme/sablon.csv", views_files.upload_template, name="upload_template"),
    path("yukleme/<int:upload_id>/eslestir/", views_files.upload_map, name="upload_map"),
    path("yukleme/<int:upload_id>/", views_files.upload_detail, name="upload_detail"),
    path("yukleme/<int:upload_id>/hatalar.csv", views_files.upload_result, name="upload_result"),
    path("disa-aktar/", views_files.export, name="export"),
    path("disa-aktar/<int:export_id>/", views_files.export_detail, name="export_detail"),
]
