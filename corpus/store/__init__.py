"""What every stage stores with: atomic writes, the writer lock, the one way to run git, the
sha256 of a file, and the SQLite and file caches under `.git/corpus` and `.corpus-cache`."""
