"""What the app remembers between runs (window size and layout, recent files, theme), in Qt's settings store."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANISATION = "Backprop Stepper"
APPLICATION = "Backprop Stepper"


def preferences() -> QSettings:
    """The user's settings file (an INI file under the user's configuration folder)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)
