"""The commands that change the samples tree: add, import, pick, split, label, status,
and the journal that makes each of them crash-safe, with the git, LFS and hook plumbing
they need. What a sample *is* lives in `corpus.tree`; how files are written, locked and
committed lives in `corpus.store`."""
