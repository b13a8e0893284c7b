"""{% route "name" %}: the address of a page that takes no arguments, from the per-process
memo in imha.core.routes. Use {% url %} for addresses with arguments."""

from __future__ import annotations

from django import template

from imha.core.routes import route as _route

register = template.Library()
register.simple_tag(_route, name="route")
