"""The tools panel and the "Check imported data" window, offscreen, on a real data dir whose real
originals are moved, renamed, changed and replaced after an import."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.conftest import sign_in


def test_the_tools_panel_is_enabled_once_signed_in_and_opens_one_window(qtbot, wizard):
    button = wizard.tools.tools["check_data"].button
    assert button.isVisible() and not button.isEnabled()
    sign_in(qtbot, wizard)
    qtbot.waitUntil(button.isEnabled, timeout=5000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window = wizard.tools.tools["check_data"].window
    assert window is not None and window.isVisible() and window.isWindow()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert wizard.tools.tools["check_data"].window is window  # pressed again: the same window, in front
    wizard.page(10)._forget_account()  # signing out closes it
    qtbot.waitUntil(lambda: wizard.tools.tools["check_data"].window is None, timeout=5000)
    assert not button.isEnabled()
