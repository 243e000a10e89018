"""Serve only the front-end files the pages use from node_modules, not whole package
folders (ECharts alone ships tens of megabytes of builds we never load)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

VENDOR_FILES = {
    "vendor/htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
}


def _node_modules() -> Path:
    return Path(settings.HOME) / "node_modules"


class VendorFinder(BaseFinder):
    def check(self, **kwargs):
        missing = [s for s in VENDOR_FILES.values() if not (_node_modules() / s).exists()]
        if missing:
            return [
                Error(
                    f"front-end packages missing: {missing}; run npm ci (make setup)",
                    id="fupin.E001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        source = VENDOR_FILES.get(path)
        if source is None:
            return []  # what Django's own finders return for "not here", in both modes
        found = str(_node_modules() / source)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for public, source in VENDOR_FILES.items():
            full = _node_modules() / source
            if full.exists():
                # Storage rooted so that the relative path is the public name.
                yield public, _VendorStorage(public, full)


class _VendorStorage(FileSystemStorage):
    def __init__(self, public: str, full: Path):
        super().__init__(location=str(full.parent))
        self._public = public
        self._full = full

    def path(self, name):
        return str(self._full) if name == self._public else super().path(name)
