app_name = "brands"

urlpatterns: list = []
