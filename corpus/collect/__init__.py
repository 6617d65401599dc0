"""`corpus collect`: pages from the web, frozen as FathomFox's Corpus Collector froze them.

targets.py reads the URL lines, safety.py refuses local and private addresses,
freezer.py bundles npm's freeze-dry, visit.py loads and freezes one page in
Chromium, sinks.py lands frozen pages in the corpus (or a folder), and run.py
drives it all with N pages in flight in one browser.
"""
