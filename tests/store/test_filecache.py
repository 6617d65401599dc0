"""The file cache under `.corpus-cache/`: entries by key, invisible to git, disposable."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.store.filecache import CACHE_DIR, FileCache


def test_an_entry_comes_back_and_git_never_sees_the_cache(corpus_root: Path, git) -> None:
    cache = FileCache(corpus_root, "render/v1-800x600", ".json.gz")
    assert cache.get("ab12") is None
    cache.put("ab12", b"facts")
    assert cache.get("ab12") == b"facts"
    assert cache.path("ab12") == corpus_root / CACHE_DIR / "render/v1-800x600" / "ab" / "ab12.json.gz"
    other = FileCache(corpus_root, "viewer-crops/800x600", ".png")  # kinds do not meet
    assert other.get("ab12") is None
    assert git(corpus_root, "ls-files", "--others", "--exclude-standard") == ""


def test_a_deleted_cache_is_only_empty(corpus_root: Path) -> None:
    cache = FileCache(corpus_root, "js", ".json")
    cache.put("k1", b"bundle")
    for path in sorted((corpus_root / CACHE_DIR).rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    assert cache.get("k1") is None
    cache.put("k1", b"again")  # the folder and its ignore file come back
    assert cache.get("k1") == b"again" and (corpus_root / CACHE_DIR / ".gitignore").is_file()


@pytest.mark.parametrize("key", ["", "../x", "a/b", ".hidden"])
def test_a_key_is_a_plain_file_name(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError):
        FileCache(tmp_path, "js").path(key)
