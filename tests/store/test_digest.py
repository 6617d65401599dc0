"""The one sha256-of-a-file helper names bytes as hashlib does, for files of any size."""

from __future__ import annotations

import hashlib
from pathlib import Path

from corpus.store.digest import sha256_file


def test_a_file_digest_is_the_sha256_of_its_bytes(tmp_path: Path) -> None:
    for size in (0, 1, 5 * 1024 * 1024 + 3):  # empty, tiny, beyond one read's chunk
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        path = tmp_path / f"{size}.bin"
        path.write_bytes(data)
        assert sha256_file(path) == hashlib.sha256(data).hexdigest()
