"""The registry of per-app data: each app seeds its own demo data (``<app>/demo.py``:
``seed(*, stdout)``) and benchmark data (``<app>/bench.py``: ``seed(*, providers, context)``
inside one transaction, and optionally ``load_bulk(*, context, log)`` after it, for loads too
large for one).

``seed_demo`` and ``bench_data`` find these modules here, in INSTALLED_APPS order (which is the
apps' dependency order: accounts, packages, payments, brands, consents, integration), without
naming any app.
"""

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def app_modules(name: str) -> list[ModuleType]:
    """Every installed app's ``name`` module (``demo``, ``bench``), in INSTALLED_APPS order."""
    return [
        import_module(f"{config.name}.{name}")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, name)
    ]
