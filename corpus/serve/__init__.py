"""Serving the corpus over HTTP on this machine: `corpus serve`.

Inside a corpus: the viewer, a local web app (an index, a sample view with a
labels-and-predictions overlay, labeling with a click, a gallery of mistakes) that
also serves every file of the corpus at its path. With `-d DIR`, or outside a
corpus: a folder's files at their paths, as `fathom serve` does for FathomFox.
"""
