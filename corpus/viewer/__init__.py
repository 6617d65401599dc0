"""The corpus in a browser: `corpus serve` inside a corpus.

Takes the samples, their `check` findings, vector files and model files; gives out
a local web app (an index, a sample view with a labels-and-predictions overlay,
labeling with a click, a gallery of mistakes) bound to 127.0.0.1.
"""
