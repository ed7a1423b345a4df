"""{% extends %} and {% url %} as Django's, minus the work they repeated on every render."""

import pytest
from django.template import Context, Engine, engines
from django.urls import reverse

from iys_portal.template_builtins import ExtendsNodeKeepingBlocks, URLNodeReversingOnce


def _engine():
    return Engine(
        builtins=["iys_portal.template_builtins"],
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {
                    "parent.html": "<h1>{% block title %}P{% endblock %}</h1>"
                    "{% block body %}{% block inner %}i{% endblock %}{% endblock %}",
                    "child.html": "{% extends 'parent.html' %}"
                    "{% block title %}C{{ n }}{% endblock %}"
                    "{% block inner %}{{ block.super }}+{% endblock %}",
                },
            )
        ],
    )


def test_the_portal_engine_uses_them():
    template = engines["django"].from_string("{% extends 'base.html' %}{% url 'home' %}")
    assert isinstance(template.template.nodelist[0], ExtendsNodeKeepingBlocks)
    template = engines["django"].from_string("{% url 'home' %}")
    assert isinstance(template.template.nodelist[0], URLNodeReversingOnce)


def test_extends_renders_the_same_every_time():
    engine = _engine()
    child = engine.get_template("child.html")
    assert [child.render(Context({"n": n})) for n in (1, 2, 3)] == [
        "<h1>C1</h1>i+",
        "<h1>C2</h1>i+",
        "<h1>C3</h1>i+",
    ]
    parent = engine.get_template("parent.html")
    assert parent.render(Context()) == "<h1>P</h1>i"


def test_url_without_arguments_as_reverse(rf):
    template = engines["django"].from_string(
        "{% url 'home' %}|{% url 'packages:manage' as m %}{{ m }}|{% url 'brands:history' 7 %}"
        "|{% url 'no-such-page' as missing %}[{{ missing }}]"
    )
    history = reverse("brands:history", args=[7])
    expected = f"{reverse('home')}|{reverse('packages:manage')}|{history}|[]"
    for _ in range(2):  # first reversed, then remembered
        assert template.render({}, rf.get("/")) == expected


def test_url_of_an_unknown_name_without_as_still_raises(rf):
    from django.urls import NoReverseMatch

    template = engines["django"].from_string("{% url 'no-such-page' %}")
    with pytest.raises(NoReverseMatch):
        template.render({}, rf.get("/"))
