"""The pre-commit hooks' entry points, run as `corpus hooks run NAME`.

Each takes the staged file names pre-commit passes and calls the stage packages
(extract, check, LFS, vectorize); a non-zero return fails the commit.
"""
