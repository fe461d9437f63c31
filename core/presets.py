"""The shipped presets: network files under ``resources/presets``."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from core.network import Network
from core.network_file import loads, quote

DEFAULT = "or_gate"


def preset_keys() -> list[str]:
    """Preset keys (file stems), the OR gate first."""
    keys = sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".json"))
    return sorted(keys, key=lambda k: k != DEFAULT)


def load_preset(key: str) -> Network:
    """The shipped preset named by ``key`` (nothing else: not a path); KeyError names the known keys."""
    keys = preset_keys()
    if key not in keys:
        raise KeyError(f"no preset {quote(key)}; known presets: {', '.join(keys)}")
    return loads(_text(key), default_name=key)


@cache
def preset_names() -> dict[str, str]:
    """Each preset's name by its key (as preset_keys orders them), read without building the networks
    (the Presets menu of every window lists them)."""
    return {key: json.loads(_text(key)).get("name", key) for key in preset_keys()}


def _text(key: str) -> str:
    return (_folder() / f"{key}.json").read_text(encoding="utf-8")


def _folder():
    return resources.files("resources") / "presets"
