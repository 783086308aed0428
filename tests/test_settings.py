"""Settings: the table, and the secret key generated once when none is configured."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor

from brandmap import settings


def test_configured_secret_key_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("BRANDMAP_SECRET_KEY", "k" * 40)
    assert settings.secret_key() == "k" * 40
    assert not settings.secret_key_path().exists()


def test_generated_secret_key_is_kept_private_and_shared(monkeypatch, tmp_path):
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BRANDMAP_SECRET_KEY", raising=False)
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: settings.secret_key(), range(16)))
    assert len(keys) == 1 and len(next(iter(keys))) == 64
    mode = stat.S_IMODE(settings.secret_key_path().stat().st_mode)
    assert mode == 0o600
    assert settings.secret_key() in keys  # a restart reads the same key
