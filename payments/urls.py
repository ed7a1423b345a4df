from .urls_card import urlpatterns as card_urlpatterns
from .urls_documents import urlpatterns as document_urlpatterns
from .urls_transfer import urlpatterns as transfer_urlpatterns

app_name = "payments"

# The documents first: «belgelerim/» would otherwise be read as an order code.
urlpatterns = [*document_urlpatterns, *card_urlpatterns, *transfer_urlpatterns]
