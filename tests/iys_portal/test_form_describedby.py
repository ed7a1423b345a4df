"""Every portal form, rendered with errors: each id in an ``aria-describedby`` exists in the page
and the errors it names are the ones shown, so screen readers hear the help text and the errors.
One field template (templates/forms/field.html, iys_portal.forms.PortalFormRenderer) renders
them all."""

from html.parser import HTMLParser

import pytest

from accounts.authorization import upload_token
from accounts.models import AuthorizationRequest
from brands.models import Brand
from tests.conftest import login_as
from tests.demo_world import demo_world


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: dict[str, str] = {}
        self.described: list[tuple[str, str]] = []
        self._open: list[str] = []
        self.text: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] = tag
            self.text.setdefault(attrs["id"], [])
            if tag not in {"input", "img", "br"}:
                self._open.append(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described.append(
                (attrs.get("name") or attrs.get("id") or tag, attrs["aria-describedby"])
            )

    def handle_data(self, data):
        for element_id in self._open:
            self.text[element_id].append(data)


def _check(html: str) -> tuple[list[str], _Ids]:
    parser = _Ids()
    parser.feed(html)
    missing = [
        f"{owner} → #{ref}"
        for owner, refs in parser.described
        for ref in refs.split()
        if ref not in parser.ids
    ]
    return missing, parser


@pytest.fixture
def demo(db):
    return demo_world()


def _forms_with_errors(client, demo):
    """(name, response) for every portal form, submitted so that each field has an error."""
    request = AuthorizationRequest.objects.get(applicant_tckn="11111111110")
    upload = f"/hesap/yetkilendirme-talebi/{request.number}/imzali-form/{upload_token(request)}/"
    yield (
        "yetkilendirme talebi",
        client.post("/hesap/yetkilendirme-talebi/", {"applicant_tckn": "123"}),
    )
    yield "imzalı form yükleme", client.post(upload, {})
    login_as(client, demo["ayse"], demo["ege"])
    yield "sözleşme onayı", client.post(f"/paket/siparis/{demo['draft'].code}/sozlesme/", {})
    login_as(client, demo["ayse"], demo["anadolu"])
    brand = Brand.objects.get(code=77790)
    yield (
        "adres hesaplama",
        client.get("/paket/satin-al/", {"phone_count": "x", "email_count": "-1"}),
    )
    yield (
        "İLETİ+ teklif",
        client.get("/paket/satin-al/", {"phone_count": "900000", "email_count": "1"}),
    )
    yield "kart ödemesi", client.post(f"/odeme/{demo['payable'].code}/kart/", {"cvc": "1"})
    yield "marka ekle", client.post("/marka/yeni/", {"name": ""})
    yield "marka adı", client.post(f"/marka/{brand.pk}/ad/", {"name": ""})
    yield "iş ortağı", client.post(f"/marka/{brand.pk}/is-ortagi/", {"integrator": "999999"})
    yield "AHS", client.post(f"/marka/{brand.pk}/ahs/", {"channels": ["YOK"]})
    yield "Marka Yönetimi", client.get("/marka/")


def test_every_aria_describedby_of_every_portal_form_points_at_an_element(client, demo):
    problems, described = [], 0
    for name, response in _forms_with_errors(client, demo):
        assert response.status_code < 500, name
        html = response.content.decode()
        missing, parser = _check(html)
        problems += [f"{name}: {m}" for m in missing]
        described += len(parser.described)
    assert not problems, "\n".join(problems)
    assert described >= 10  # the forms above really name their help texts and errors


def test_the_errors_a_field_points_at_are_its_own(client, demo):
    response = client.post("/hesap/yetkilendirme-talebi/", {"applicant_tckn": "123"})
    missing, parser = _check(response.content.decode())
    assert not missing
    refs = dict(parser.described)["applicant_tckn"].split()
    assert "id_applicant_tckn_error" in refs
    assert "T.C. kimlik" in "".join(parser.text["id_applicant_tckn_error"])
    role = dict(parser.described)["role_reason"].split()
    assert "id_role_reason_helptext" in role
    assert "görev" in "".join(parser.text["id_role_reason_helptext"]).lower()
