"""Vectorizing: a ruleset's features for every candidate element of a set's pages.

Takes a ruleset (Python `rulesets.py`, or Fathom's JavaScript `rulesets.js` run in
headless Chromium as FathomFox did) and the samples of a set; gives out
`vectors/<set>_<type>.json` in the Fathom format, incrementally (only changed
pages are redone).
"""
