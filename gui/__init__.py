"""PySide6 wizard over the engine. Only this package imports Qt."""
