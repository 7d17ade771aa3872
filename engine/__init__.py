"""GUI-free engine of the in-place importer: repository, catalog, checks, transfers and the import."""

__version__ = "0.1.0"
