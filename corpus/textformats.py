"""JSON and YAML from files people give us, refused the way their callers refuse bad syntax.

Python's json and PyYAML read nested arrays by recursion, so a file nested some
thousands deep (damaged, or made to crash us) raises RecursionError, which no
caller's `except ValueError` or `except yaml.YAMLError` catches: a traceback
instead of the one-line error naming the file. These turn it into the error the
caller already handles.
"""

from __future__ import annotations

from typing import Any

NESTED_TOO_DEEP = "nested thousands deep"


def json_value(text: str | bytes, **options: Any) -> Any:
    """json.loads(text, **options); ValueError for nesting past the parser's reach too."""
    import json

    try:
        return json.loads(text, **options)
    except RecursionError:
        raise ValueError(NESTED_TOO_DEEP) from None


def yaml_value(text: str) -> Any:
    """yaml.safe_load(text); yaml.YAMLError for nesting past the parser's reach too."""
    import yaml

    try:
        return yaml.safe_load(text)
    except RecursionError:
        raise yaml.YAMLError(NESTED_TOO_DEEP) from None


def yaml_node(text: str) -> Any:
    """yaml.compose(text) (the node tree, with line marks); yaml.YAMLError for deep nesting too."""
    import yaml

    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise yaml.YAMLError(NESTED_TOO_DEEP) from None
