from django.urls import path

from .gateways import fake_bank
from .views import card

urlpatterns = [
    path("3d-donus/", card.callback, name="callback"),
    path("banka-simulatoru/<str:payment_id>/", fake_bank.bank_page, name="fake_bank"),
    path("<str:code>/", card.step, name="step"),
    path("<str:code>/kart/", card.pay, name="pay"),
    path("<str:code>/taksitler/", card.installments, name="installments"),
    path("<str:code>/taksit-tablosu/", card.installment_table, name="installment_table"),
    path("<str:code>/onay/", card.confirm, name="confirm"),
    path("<str:code>/makbuz.pdf", card.receipt, name="receipt"),
]
