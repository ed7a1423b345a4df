from django.urls import path

from . import simulator

app_name = "edevlet_simulator"

urlpatterns = [
    path(
        "OAuth2AuthorizationServer/AuthorizationController",
        simulator.authorize,
        name="authorize",
    ),
    path("OAuth2AuthorizationServer/AccessTokenController", simulator.token, name="token"),
    path(
        "OAuth2AuthorizationServer/AuthenticationController",
        simulator.identity,
        name="identity",
    ),
]
