"""Two template tags of Django, without the work they repeat on every request (a builtins
library of the template engine, see settings.TEMPLATES, so templates keep writing
``{% extends %}`` and ``{% url %}``):

- ``{% extends %}`` looks for the parent's ``{% block %}`` nodes by walking the parent's whole
  node tree on every render. A compiled template does not change (the cached loader keeps it
  for the life of the process), so the blocks found are kept on the parent's node list.
- ``{% url 'name' %}`` without arguments gives the same path for the same URL configuration,
  script prefix, language and current app: it is reversed once per process.
"""

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.base import NodeList
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as url_tag
from django.template.loader_tags import ExtendsNode, do_extends
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()


class _NodeListOfCompiledTemplate(NodeList):
    """A compiled template's node list, remembering which nodes of a type it holds."""

    def get_nodes_by_type(self, nodetype):
        found = self.__dict__.setdefault("_nodes_by_type", {})
        if nodetype not in found:
            found[nodetype] = super().get_nodes_by_type(nodetype)
        return found[nodetype]


class ExtendsNodeKeepingBlocks(ExtendsNode):
    def get_parent(self, context):
        parent = super().get_parent(context)
        nodelist = parent.nodelist
        if type(nodelist) is NodeList:
            keeping = _NodeListOfCompiledTemplate(nodelist)
            keeping.contains_nontext = nodelist.contains_nontext
            parent.nodelist = keeping
        return parent


@register.tag("extends")
def extends(parser, token):
    node = do_extends(parser, token)
    node.__class__ = ExtendsNodeKeepingBlocks
    return node


_reversed: dict[tuple, str] = {}


def _forget_reversed(**kwargs):
    _reversed.clear()  # tests that change the URL configuration


setting_changed.connect(_forget_reversed)


class URLNodeReversingOnce(URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        key = (view_name, current_app, urlconf, get_script_prefix(), get_language())
        url = _reversed.get(key)
        if url is None:
            try:
                url = _reversed[key] = reverse(view_name, current_app=current_app)
            except NoReverseMatch:
                # As Django's tag: an error, or an empty variable with «as» (not remembered).
                if self.asvar is None:
                    raise
                url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag("url")
def url(parser, token):
    node = url_tag(parser, token)
    node.__class__ = URLNodeReversingOnce
    return node
