"""The hub's template tags and filters: `{% load dashboard %}` in a template loads them."""
