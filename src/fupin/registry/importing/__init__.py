"""The household import (`fupin import households`, and the import page): the standard
template read into Arrow, every cell parsed and checked set-wise, rows compared with the
registry, and what passes written in one transaction. Counts always add up:
read = written + unchanged + rejected."""

from fupin.registry.importing.run import ImportFileError, import_households

__all__ = ["ImportFileError", "import_households"]
