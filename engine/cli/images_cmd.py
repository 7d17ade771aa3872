"""`inplace images`: what the images of filesets are (their metadata and thumbnails), and
`--rebuild` to read them and make their thumbnails again."""

from __future__ import annotations

from engine.api import count
from engine.cli.auth import open_and_sign_in
from engine.cli.display import print_json, say

NOT_YET = "not read yet (they are read in the background after the import; '--rebuild' reads them now)"


def run_images(args) -> int:
    _, session = open_and_sign_in(args)
    ids = args.filesets or None
    if args.rebuild:
        human = args.output != "json"

        def read(fileset_id: int, rows: list[dict]) -> None:
            if human:
                say(f"Fileset:{fileset_id}  {count(len(rows), 'image')} read")

        done = session.rebuild_images(ids, on_fileset=read)
        if human:
            say(f"Read {count(done, 'fileset')} again and made their thumbnails.")
    if ids is None:
        shown = session.images_by_fileset()
        ids = sorted(shown)
    else:
        shown = {i: session.images(i) for i in ids}
    if args.output == "json":
        print_json(
            [{"fileset_id": i, "images": shown.get(i, []), "overview": _path(session.thumbnail_path(i))} for i in ids]
        )
        return 0
    if not ids:
        say("No images read yet.")
    for i in ids:
        print_fileset_images(i, shown.get(i, []), session.thumbnail_path(i))
    return 0


def print_fileset_images(fileset_id: int, rows: list[dict], overview) -> None:
    say(f"Fileset:{fileset_id}  {count(len(rows), 'image') if rows else NOT_YET}")
    for row in rows:
        for i, line in enumerate(image_lines(row)):
            say(f"  {line}" if i == 0 else f"      {line}")
    if overview:
        say(f"  plate overview {overview}")


def image_lines(row: dict) -> list[str]:
    """One image: its series, name, dimensions and pixel type, then a line per further fact."""
    lines = [f"{row['series']}  {row['name']}  {describe(row)}"]
    sizes = physical_sizes(row)
    if sizes:
        lines.append(f"pixel size {sizes}")
    if row["channels"]:
        lines.append("channels " + ", ".join(row["channels"]))
    if row["plate"]:
        field = f", field {row['field_index'] + 1}" if row["field_index"] is not None else ""
        lines.append(f"plate {row['plate']}, well {row['well']}{field}")
    if row["acquired"]:
        lines.append(f"acquired {row['acquired']}")
    if row["levels"] > 1:
        lines.append(f"{row['levels']} resolution levels")
    if row["reason"]:
        lines.append(row["reason"])
    if row.get("thumbnail"):
        lines.append(f"thumbnail {row['thumbnail']}")
    return lines


def describe(row: dict) -> str:
    """Dimensions and pixel type, e.g. X1080 Y1080 Z1 C2 T1 uint16; or the status when not read."""
    if row["size_x"] is None:
        return row["status"]
    sizes = " ".join(f"{a}{row[f'size_{a.lower()}']}" for a in "XYZCT")
    return f"{sizes} {row['pixel_type'] or ''}".rstrip()


def physical_sizes(row: dict) -> str:
    parts = []
    for axis in "xyz":
        size = row[f"physical_size_{axis}"]
        if size is not None:
            parts.append(f"{axis.upper()} {size:.4g} {row[f'physical_size_{axis}_unit'] or ''}".rstrip())
    return ", ".join(parts)


def _path(path) -> str | None:
    return str(path) if path else None
