"""A system short of several libraries hears of all of them at once, each with its Debian package.

The binaries are real: a copy of PySide6's QtWidgets module outside its package cannot find the Qt
libraries beside it (they are found through $ORIGIN), which is exactly what ldd shows for a
library the system lacks."""

import shutil

import pytest

from gui.app import debian_package, missing_libraries, missing_libraries_message, qt_binaries


@pytest.fixture
def stranded_module(tmp_path):
    if not shutil.which("ldd"):
        pytest.skip("ldd is not installed")
    widgets = next(p for p in qt_binaries() if p.name.startswith("QtWidgets"))
    copy = tmp_path / widgets.name
    shutil.copy(widgets, copy)
    return copy


def test_every_missing_library_is_found_in_one_look(stranded_module):
    missing = missing_libraries([stranded_module])
    assert len(missing) >= 3
    assert {"libQt6Widgets.so.6", "libQt6Gui.so.6", "libQt6Core.so.6"} <= set(missing)


def test_the_installed_wizard_lacks_nothing():
    assert qt_binaries(), "PySide6 is installed for the GUI tests"
    assert missing_libraries(qt_binaries()) == []


def test_one_message_names_them_all_with_their_packages(stranded_module):
    message = missing_libraries_message([stranded_module], ["libEGL.so.1"])
    assert message.count("\n") == 0
    for name in ("libEGL.so.1", "libQt6Widgets.so.6", "libQt6Core.so.6"):
        assert name in message
    packages = message.split("apt-get install ")[1].split(")")[0].split()
    assert packages[0] == "libegl1" and {"libqt6widgets6", "libqt6core6"} <= set(packages)


@pytest.mark.parametrize(
    "soname, package",
    [
        ("libGL.so.1", "libgl1"),
        ("libEGL.so.1", "libegl1"),
        ("libX11.so.6", "libx11-6"),
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
    ],
)
def test_debian_package_names(soname, package):
    assert debian_package(soname) == package
