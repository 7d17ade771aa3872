"""`inplace-wizard`: check the display, prepare Qt for a remote one, load a font if the system has
none, then run the wizard on a qasync event loop."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

from gui import texts
from gui.display import display_problem, prepare_environment

RESOURCES = Path(__file__).resolve().parent / "resources"  # package data: in the wheel too


def resources_dir() -> Path:
    """gui/resources/ inside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "gui" / "resources" if bundle else RESOURCES


def ensure_font(app) -> str:
    """Servers often have no fonts at all, and Qt then draws boxes: load the shipped one."""
    from PySide6.QtGui import QFont, QFontDatabase, QRawFont

    # With no fonts Qt still lists generic aliases ("Sans Serif"), but they resolve to nothing.
    if QRawFont.fromFont(QFont()).familyName():
        return ""
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / "DejaVuSans.ttf"))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if families:
        app.setFont(QFont(families[0], 10))
        return families[0]
    return ""


def use_shipped_fontconfig() -> None:
    """On a server with no fontconfig set-up at all, point fontconfig at the shipped font."""
    if not os.environ.get("FONTCONFIG_FILE") and not os.path.exists("/etc/fonts/fonts.conf"):
        os.environ["FONTCONFIG_FILE"] = str(resources_dir() / "fonts" / "fonts.conf")


def create_application(argv: list[str]):
    use_shipped_fontconfig()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    remote = prepare_environment()
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("inplace-wizard")
    app.setApplicationDisplayName(texts.APP_NAME)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "inplace.svg")))
    if remote:
        for effect in (
            Qt.UIEffect.UI_AnimateMenu,
            Qt.UIEffect.UI_AnimateCombo,
            Qt.UIEffect.UI_AnimateTooltip,
            Qt.UIEffect.UI_FadeMenu,
            Qt.UIEffect.UI_FadeTooltip,
            Qt.UIEffect.UI_AnimateToolBox,
        ):
            app.setEffectEnabled(effect, False)
    ensure_font(app)
    return app


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if "--version" in argv:
        from engine.api import __version__

        print(f"inplace-wizard {__version__}")
        return 0
    smoke_path = _option(argv, "--smoke-test")
    if smoke_path and not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        import qasync

        from gui.wizard import ImportWizard
    except ImportError as exc:
        library = re.search(r"(lib[\w.+-]+\.so[\d.]*)", str(exc))
        if library:
            print(missing_libraries_message(qt_binaries(), [library.group(1)]), file=sys.stderr)
        else:
            print(texts.NO_GUI_PACKAGES.format(error=exc), file=sys.stderr)
        return 2
    if not smoke_path and os.environ.get("QT_QPA_PLATFORM", "xcb").startswith("xcb"):
        plugin = [p for p in qt_binaries() if "plugins" in p.parts]  # the modules imported: the X plugin
        missing = missing_libraries(plugin)  # is loaded by Qt later, which would stop with an abort
        if missing:
            print(missing_libraries_message([], missing), file=sys.stderr)
            return 2
    app = create_application(argv)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    wizard = ImportWizard(data_dir=_option(argv, "--data-dir"))
    if smoke_path:
        from gui import smoke

        wizard.show()
        with loop:
            code = smoke.run(app, wizard, smoke_path)
        wizard.ops.shutdown()
        return code
    closed = asyncio.Event()
    wizard.finished.connect(lambda _result: closed.set())
    wizard.show()
    with loop:
        loop.run_until_complete(closed.wait())
    return 0


def qt_binaries() -> list[Path]:
    """The Qt modules the wizard imports and the X platform plugin, wherever PySide6 is installed."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    package = Path(next(iter(spec.submodule_search_locations)))
    found = [p for name in ("QtCore", "QtGui", "QtWidgets") for p in package.glob(f"{name}.*so")]
    return found + list(package.glob("Qt/plugins/platforms/libqxcb.so"))


def missing_libraries(binaries: list[Path]) -> list[str]:
    """Every shared library these binaries need and the system cannot find, all at once (ldd
    follows the whole tree), so a person installs them in one go rather than one per attempt."""
    missing: list[str] = []
    for binary in binaries:
        try:
            out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return []  # no ldd: Python's own import error names the first one
        for line in out.splitlines():
            name, _, where = line.strip().partition(" => ")
            if where.strip() == "not found" and name not in missing:
                missing.append(name)
    return missing


def missing_libraries_message(binaries: list[Path], known: list[str]) -> str:
    """One message naming every missing library and the Debian package for each."""
    names = list(dict.fromkeys(known + missing_libraries(binaries)))
    packages = dict.fromkeys(debian_package(n) for n in names)
    return texts.MISSING_LIBRARIES.format(libraries=", ".join(names), packages=" ".join(packages))


def debian_package(soname: str) -> str:
    """libxcb-cursor.so.0 -> libxcb-cursor0, libX11.so.6 -> libx11-6; the exceptions are in texts."""
    base, _, version = soname.partition(".so")
    if base in texts.LIBRARY_PACKAGES:
        return texts.LIBRARY_PACKAGES[base]
    major = version.strip(".").split(".")[0]
    return base.lower() + ("-" if base[-1:].isdigit() and major else "") + major


def _option(argv: list[str], name: str) -> str | None:
    """The value after `name` in argv (the wizard has too few options to need argparse)."""
    if name in argv and argv.index(name) + 1 < len(argv):
        return argv[argv.index(name) + 1]
    return None


if __name__ == "__main__":
    sys.exit(main())
