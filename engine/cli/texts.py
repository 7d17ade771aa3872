"""Texts the CLI shows beyond one-line messages: the advanced help."""

from engine.api import algorithms, transfers

ADVANCED_HELP_INTRO = """\
Transfers (--transfer NAME) decide how each file reaches the repository.

  In-place transfers (ln, ln_s, ln_rm) make the repository depend on your originals: they must stay
  where they are, unchanged, on storage that is backed up, for as long as the images are kept.
  The *_rm transfers delete your originals, but only after every file of the run was imported and
  verified; if anything fails or is cancelled, nothing is deleted.
"""

ADVANCED_HELP_PLUGINS = """
  A plugin transfer can be named as package.module:ClassName (a subclass of
  engine.transfers.Transfer), or by name when a package registers it in the
  'inplace.transfers' entry point group.

Checksum algorithms (--checksum-algorithm NAME) detect damage in transit; the values match OMERO's.
"""

ADVANCED_HELP_EXAMPLES = """
Examples:
  inplace import --transfer ln_s /data/lab/2026-11-24
  inplace import --transfer cp --checksum-algorithm Murmur3-128 -T Project:name:Screen/Dataset:name:Plate1 /data/run7
  inplace import -f /data/run7          # show the filesets, import nothing
"""


def advanced_help() -> str:
    lines = [ADVANCED_HELP_INTRO]
    for t in transfers():
        lines.append(f"  {t.name:<10} {t.summary}")
    lines.append(ADVANCED_HELP_PLUGINS)
    for name, text in algorithms().items():
        lines.append(f"  {name:<13} {text}")
    lines.append(ADVANCED_HELP_EXAMPLES)
    return "\n".join(lines)
