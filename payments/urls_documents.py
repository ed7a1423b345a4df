from django.urls import path

from .views import documents

urlpatterns = [
    path("belgelerim/", documents.documents, name="documents"),
    path("belgelerim/<str:code>/makbuz.pdf", documents.receipt_pdf, name="document_receipt"),
]
