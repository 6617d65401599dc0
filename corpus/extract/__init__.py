"""Extraction: inline `data:` URLs out of a page into its resources folder, and back.

Takes a saved page; gives out the page pointing at content-addressed files under
`resources/<stem>/` (tracked by Git LFS) and a manifest that `inline` uses to
restore the original byte for byte.
"""
