"""Checks: the rubric, and every sample's labels and files against it.

Takes samples (or staged files) and `samples/rubric.md`; gives out findings, one
`path:line: message` each, for `corpus check` and the pre-commit hooks.
"""
