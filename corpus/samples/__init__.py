"""The samples tree: sets, naming, sample identity, and every change to the tree.

Takes pages from outside and git's view of the corpus; gives out samples in sets
(added, picked, split), the corpus's status, and the git, LFS and hook plumbing
(atomic writes, the writer lock) that other stages build on.
"""
