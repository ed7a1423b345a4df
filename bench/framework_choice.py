# ruff: noqa: E402, S106
"""Which API framework: the overhead of an authenticated status query (Bearer token, JSON body
of three fields, JSON answer) in a bare Django view, Django REST framework and django-ninja.

Neither framework is a dependency of the other; run it with both installed aside:

    .venv/bin/pip install --target /tmp/fwbench djangorestframework==3.18.3 \
        drf-spectacular==0.30.0 django-ninja==1.7.1
    PYTHONPATH=/tmp/fwbench .venv/bin/python bench/framework_choice.py 3000

Recorded in bench/RESULTS.md («Integration API: framework»).
"""

import hashlib
import json
import sys
import time

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="x",
    ROOT_URLCONF=__name__,
    ALLOWED_HOSTS=["*"],
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "rest_framework",
        "drf_spectacular",
        "ninja",
    ],
    MIDDLEWARE=[],
    DATABASES={},
    REST_FRAMEWORK={
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        "UNAUTHENTICATED_USER": None,
    },
)
django.setup()
from django.http import JsonResponse
from django.urls import path

TOKENS = {hashlib.sha256(b"tok").hexdigest(): 1}
ANSWER = {
    "recipient": "+905321234567",
    "type": "MESAJ",
    "recipientType": "BIREYSEL",
    "status": "ONAY",
    "source": "HS_WEB",
    "consentDate": "2024-01-01 10:00:00",
    "creationDate": "2024-01-01 10:00:00",
    "transactionId": "abc",
}


def who(auth):
    if not auth.startswith("Bearer "):
        return None
    return TOKENS.get(hashlib.sha256(auth[7:].encode()).hexdigest())


# bare
def bare(request, sp, brand):
    if who(request.headers.get("Authorization", "")) is None:
        return JsonResponse({}, status=401)
    body = json.loads(request.body)
    return JsonResponse({**ANSWER, "recipient": body["recipient"]})


# DRF
from rest_framework import authentication, exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class Auth(authentication.BaseAuthentication):
    def authenticate(self, request):
        u = who(request.headers.get("Authorization", ""))
        if u is None:
            raise exceptions.AuthenticationFailed()
        return (object(), u)


class Q(serializers.Serializer):
    recipient = serializers.CharField()
    recipientType = serializers.CharField()
    type = serializers.ChoiceField(["MESAJ", "ARAMA", "EPOSTA"])


class Out(serializers.Serializer):
    recipient = serializers.CharField()
    type = serializers.CharField()
    recipientType = serializers.CharField()
    status = serializers.CharField()
    source = serializers.CharField()
    consentDate = serializers.CharField()
    creationDate = serializers.CharField()
    transactionId = serializers.CharField()


class DrfView(APIView):
    authentication_classes = [Auth]
    permission_classes = []

    def post(self, request, sp, brand):
        s = Q(data=request.data)
        s.is_valid(raise_exception=True)
        return Response(Out({**ANSWER, "recipient": s.validated_data["recipient"]}).data)


# ninja
from typing import Literal

from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer


class B(HttpBearer):
    def authenticate(self, request, token):
        return TOKENS.get(hashlib.sha256(token.encode()).hexdigest())


api = NinjaAPI(auth=B())


class QIn(Schema):
    recipient: str
    recipientType: str
    type: Literal["MESAJ", "ARAMA", "EPOSTA"]


class QOut(Schema):
    recipient: str
    type: str
    recipientType: str
    status: str
    source: str
    consentDate: str
    creationDate: str
    transactionId: str


@api.post("/sps/{sp}/brands/{brand}/consents/status", response=QOut)
def status(request, sp: int, brand: int, payload: QIn):
    return {**ANSWER, "recipient": payload.recipient}


urlpatterns = [
    path("bare/<int:sp>/<int:brand>/", bare),
    path("drf/<int:sp>/<int:brand>/", DrfView.as_view()),
    path("ninja/", api.urls),
]
from django.test import Client

c = Client(HTTP_AUTHORIZATION="Bearer tok")
body = json.dumps({"recipient": "+905321234567", "recipientType": "BIREYSEL", "type": "MESAJ"})
urls = {"bare": "/bare/1/2/", "drf": "/drf/1/2/", "ninja": "/ninja/sps/1/brands/2/consents/status"}
for name, u in urls.items():
    r = c.post(u, body, content_type="application/json")
    assert r.status_code == 200, (name, r.status_code, r.content)
N = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
for _round in range(2):
    for name, u in urls.items():
        t = time.perf_counter()
        for _ in range(N):
            c.post(u, body, content_type="application/json")
        dt = time.perf_counter() - t
        print(f"{name:6} {N / dt:8.0f} req/s  {dt / N * 1e6:6.0f} µs/req")
