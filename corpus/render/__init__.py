"""Rendering: a sample in sandboxed headless Chromium (its own resources only).

Takes a sample page and a viewport; gives out rendered facts per element (box,
visibility, computed style) for rules, and element crops for the image model.
"""
