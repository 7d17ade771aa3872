"""Sizes and durations as people read them."""


def human_size(n: float) -> str:
    if n < 1024:
        return f"{int(n)} bytes"
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        n /= 1024
        if n < 1024 or unit == "TiB":
            break
    return f"{n:.1f} {unit}"


def human_duration(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 file', '3 files'."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
