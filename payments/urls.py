from .urls_card import urlpatterns as card_urlpatterns
from .urls_transfer import urlpatterns as transfer_urlpatterns

app_name = "payments"

urlpatterns = [*card_urlpatterns, *transfer_urlpatterns]
