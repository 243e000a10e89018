from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # A file missing from the manifest (a test run without collectstatic) falls back to
    # its plain name instead of breaking the page.
    manifest_strict = False
