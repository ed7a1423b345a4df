from django.urls import path

from .views import transfer

urlpatterns = [
    path("<str:code>/havale/", transfer.transfer_choose, name="transfer_choose"),
    path(
        "<str:code>/havale/talimat/",
        transfer.transfer_instructions,
        name="transfer_instructions",
    ),
    path("<str:code>/havale/karta-gec/", transfer.transfer_switch_to_card, name="transfer_to_card"),
]
