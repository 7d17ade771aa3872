"""`inplace-wizard`: check the display, prepare Qt for a remote one, load a font if the system has
none, then run the wizard on a qasync event loop."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from gui import texts
from gui.display import display_problem, prepare_environment

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def resources_dir() -> Path:
    """resources/ beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "resources" if bundle else RESOURCES


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


def create_application(argv: list[str]):
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
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        import qasync

        from gui.wizard import ImportWizard
    except ImportError as exc:
        print(texts.NO_GUI_PACKAGES.format(error=exc), file=sys.stderr)
        return 2
    data_dir = None
    if "--data-dir" in argv:
        data_dir = argv[argv.index("--data-dir") + 1]
    app = create_application(argv)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    wizard = ImportWizard(data_dir=data_dir)
    closed = asyncio.Event()
    wizard.finished.connect(lambda _result: closed.set())
    wizard.show()
    with loop:
        loop.run_until_complete(closed.wait())
    return 0


if __name__ == "__main__":
    sys.exit(main())
