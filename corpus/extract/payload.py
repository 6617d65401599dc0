"""Decoding data: URL payloads so that they can be re-spelled exactly (`corpus inline`).

Payloads are decoded with SIMD base64 when they are canonical, which freeze-dry's
are; anything else takes a slower path that records how the text differs from the
canonical encoding (`Spelling`): line breaks, `%3D` for `=`, missing padding,
non-zero spare bits.
"""

from __future__ import annotations

import binascii
import html
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from corpus.extract.dataurl import WHITESPACE

try:
    import pybase64 as _b64
except ImportError:  # pragma: no cover - same results, about ten times slower
    import base64 as _b64  # type: ignore[no-redef]


class Malformed(ValueError):
    """A payload that does not decode; the message says why."""


@dataclass(frozen=True)
class Spelling:
    """How a base64 payload's text differs from the canonical encoding of its bytes.

    `patches` are (offset in the canonical text, bytes of it replaced, replacement),
    in order: line breaks, `%3D` for `=`, missing padding, non-zero spare bits.
    """

    patches: tuple[tuple[int, int, bytes], ...] = ()

    def apply(self, canonical: bytes) -> bytes:
        if not self.patches:
            return canonical
        out: list[bytes] = []
        pos = 0
        for offset, length, text in self.patches:
            out.append(canonical[pos:offset])
            out.append(text)
            pos = offset + length
        out.append(canonical[pos:])
        return b"".join(out)


CANONICAL = Spelling()
_ALPHABET_RUN = re.compile(rb"[A-Za-z0-9+/]+|%[0-9A-Fa-f]{2}|=|[\s]+|.", re.DOTALL)


def encode_base64(data: bytes) -> bytes:
    return _b64.b64encode(data)


def _spelling(text: bytes, canonical: bytes) -> Spelling:
    patches: list[list] = []

    def patch(offset: int, length: int, replacement: bytes) -> None:
        if patches and patches[-1][0] + patches[-1][1] == offset:
            patches[-1][1] += length
            patches[-1][2] += replacement
        else:
            patches.append([offset, length, replacement])

    j = 0
    for m in _ALPHABET_RUN.finditer(text):
        token = m.group()
        if canonical.startswith(token, j):
            j += len(token)
            continue
        if token[:1] == b"%":
            decoded = bytes((int(token[1:], 16),))
            if canonical.startswith(decoded, j):
                patch(j, 1, token)
                j += 1
                continue
        if token.isspace() or token == b"=":
            patch(j, 0, token)
            continue
        patch(j, len(canonical) - j, text[m.start():])  # anything else: keep the rest verbatim
        j = len(canonical)
        break
    if j < len(canonical):
        patch(j, len(canonical) - j, b"")
    spelling = Spelling(tuple((o, n, bytes(t)) for o, n, t in patches))
    if spelling.apply(canonical) != text:  # cannot happen by construction; never lose bytes if it does
        spelling = Spelling(((0, len(canonical), bytes(text)),))
    return spelling


def _canonical_tail(payload, decoded: bytes) -> bool:
    """Whether a validated payload's spare bits are zero (`QR==` decodes like `QQ==`)."""
    if len(payload) == 0 or payload[-1] != 0x3D:
        return True
    used = 1 if payload[-2] == 0x3D else 2
    return encode_base64(decoded[-used:]) == bytes(payload[-4:])


def decode_base64(payload, html_escaped: bool = False) -> tuple[bytes, Spelling]:
    """The bytes of a base64 payload and how its text was spelled; Malformed if it is not base64."""
    try:
        decoded = _b64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        decoded = None
    if decoded is not None and _canonical_tail(payload, decoded):
        return decoded, CANONICAL
    text = bytes(payload)
    loose = text
    if b"%" in loose:
        loose = unquote_to_bytes(loose)
    if html_escaped and b"&" in loose:
        loose = unescape_html(loose)
    # The fetch standard's forgiving-base64 decode: whitespace goes; one or two `=` may
    # end a length that is a multiple of 4; missing padding is fine; nothing else.
    loose = loose.translate(None, WHITESPACE)
    if len(loose) % 4 == 0 and loose.endswith(b"="):
        loose = loose[:-2] if loose.endswith(b"==") else loose[:-1]
    if len(loose) % 4 == 1:
        raise Malformed("base64 payload of impossible length (truncated?)")
    if b"=" in loose:
        raise Malformed("invalid base64 payload: `=` where no padding may be")
    loose += b"=" * (-len(loose) % 4)
    try:
        decoded = _b64.b64decode(loose, validate=True)
    except (binascii.Error, ValueError):
        bad = re.search(rb"[^A-Za-z0-9+/=]", loose)
        where = f": unexpected {bytes(loose[bad.start():bad.start() + 1])!r}" if bad else ""
        raise Malformed(f"invalid base64 payload{where}") from None
    return decoded, _spelling(text, encode_base64(decoded))


def unescape_html(text: bytes) -> bytes:
    return html.unescape(text.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")


def decode_plain(payload, html_escaped: bool) -> bytes:
    """The bytes of a percent-encoded (or plain) payload, as a browser would read them."""
    text = bytes(payload)
    if html_escaped and b"&" in text:
        text = unescape_html(text)
    return unquote_to_bytes(text)
