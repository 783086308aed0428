"""The map page's labels: one table, every key in Vietnamese and English, every label the
script asks for present."""

from __future__ import annotations

import json
import re

from brandmap.catalog.schema import BRAND_TYPES, CATEGORIES, VALUE_CHAINS
from brandmap.present.map.files import MESSAGES_PATH, STATIC_DIR
from brandmap.present.map.messages import load_messages


def test_messages_table_is_complete():
    table = json.loads(MESSAGES_PATH.read_text(encoding="utf-8"))
    for key, texts in table.items():
        assert set(texts) == {"vi", "en"} and all(texts.values()), key
    labels = load_messages("vi")
    for prefix, codes in (("cat_", CATEGORIES), ("bt_", BRAND_TYPES), ("vc_", VALUE_CHAINS)):
        assert all(prefix + code in labels for code in codes)


def test_every_label_the_script_asks_for_exists():
    labels = load_messages("vi")
    modules = sorted((STATIC_DIR / "brandmap").glob("*.js"))
    asked = set()
    for module in modules:
        script = module.read_text(encoding="utf-8")
        asked |= set(re.findall(r"msg\('([a-z0-9_]+)'\s*[,)]", script))
    assert len(asked) > 50  # the scan sees the modules
    assert sorted(asked - set(labels)) == []


def test_unknown_language_falls_back_to_vietnamese():
    assert load_messages("fr") == load_messages("vi")
    assert load_messages("en")["layer_products"] == "Products"
