"""The page's labels in Vietnamese (the default) and English, from one table:
``web/i18n/messages.json``. Vietnamese text is data, not code."""

from __future__ import annotations

import json
from functools import lru_cache

from brandmap.present.map.files import MESSAGES_PATH

__all__ = ["LANGS", "load_messages", "other_lang", "value_chain_labels"]

LANGS = ("vi", "en")


@lru_cache(maxsize=1)
def _message_table() -> dict[str, dict[str, str]]:
    table = json.loads(MESSAGES_PATH.read_text(encoding="utf-8"))
    return {key: value for key, value in table.items() if not key.startswith("_")}


def load_messages(lang: str) -> dict[str, str]:
    """All labels in one language (falling back to Vietnamese for a missing text).

    >>> load_messages("en")["layer_products"]
    'Products'
    """
    lang = lang if lang in LANGS else "vi"
    return {key: texts.get(lang) or texts["vi"] for key, texts in _message_table().items()}


def other_lang(lang: str) -> str:
    """The language the page's switch link offers.

    >>> other_lang("vi"), other_lang("en")
    ('en', 'vi')
    """
    return "en" if lang == "vi" else "vi"


def value_chain_labels() -> dict[str, str]:
    """Each value chain's labels in both languages, as a search finds them.

    >>> value_chain_labels()["coconut_candy"]
    'Kẹo dừa Coconut candy'
    """
    return {
        key.removeprefix("vc_"): f"{texts['vi']} {texts.get('en', '')}".strip()
        for key, texts in _message_table().items()
        if key.startswith("vc_")
    }
