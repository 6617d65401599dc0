"""Generate the demo's saved pages: signup forms (targets: new-password inputs), login
forms and articles (negatives), links that look like buttons (targets: button) and plain
text links, with images and stylesheets inlined as data: URLs as freeze-dry saves them.

    python demo/make_pages.py OUT_DIR [--count 36] [--seed 1]
"""

from __future__ import annotations

import argparse
import base64
import io
import random
from pathlib import Path

from PIL import Image, ImageDraw

CSP = ("default-src 'none'; img-src data:; media-src data:; style-src data: 'unsafe-inline'; "
       "font-src data:; frame-src data:")
WORDS = ["account", "profile", "news", "garden", "travel", "music", "recipes", "offers", "support", "library"]
BUTTON_TEXT = ["Sign up", "Buy now", "Continue", "Register", "Get started", "Join", "Subscribe", "Download"]
COLORS = ["#1a73e8", "#d93025", "#188038", "#f29900", "#6f42c1", "#202124"]


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def logo_png(rng: random.Random) -> bytes:
    img = Image.new("RGB", (120, 40), rng.choice(COLORS))
    ImageDraw.Draw(img).ellipse((8, 8, 32, 32), fill="white")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def stylesheet(rng: random.Random) -> str:
    """A stylesheet whose own background image is a data: URL nested inside it."""
    dot = Image.new("RGB", (4, 4), rng.choice(["#eeeeee", "#f5f5f5", "#fafafa"]))
    out = io.BytesIO()
    dot.save(out, "PNG")
    css = (f"body{{font-family:sans-serif;margin:24px;background:url({data_url('image/png', out.getvalue())})}}"
           "input{display:block;margin:8px 0;padding:6px;font-size:16px}"
           "a.btn{display:inline-block;padding:10px 18px;border-radius:6px;color:#fff;"
           "text-decoration:none;margin:6px;font-weight:bold}"
           "p a{color:#1a0dab;text-decoration:underline}")
    return data_url("text/css; charset=utf-8", css.encode())  # real saves space their parameters


def button_links(rng: random.Random) -> str:
    return "".join(
        f'<a class="btn" data-fathom="button" href="/go/{i}" style="background:{rng.choice(COLORS)}">'
        f"{rng.choice(BUTTON_TEXT)}</a>"
        for i in range(rng.randint(2, 3))
    )


def text_links(rng: random.Random) -> str:
    words = rng.sample(WORDS, 3)
    return "<p>Read more about " + ", ".join(f'<a href="/{w}">{w}</a>' for w in words) + " on our site.</p>"


def form(kind: str, rng: random.Random) -> str:
    fields = ['<input type="email" name="email" placeholder="Email">']
    if kind == "signup" and rng.random() < 0.2:
        # Some real sign-up forms look exactly like a login form: hard pages for any model.
        fields.append('<input type="password" name="password" data-fathom="new-password" placeholder="Password">')
    elif kind == "signup":
        fields.append('<input type="password" name="new_password" autocomplete="new-password" '
                      'data-fathom="new-password" placeholder="Choose a password">')
        if rng.random() < 0.6:
            fields.append('<input type="password" name="confirm" autocomplete="new-password" '
                          'data-fathom="new-password" placeholder="Repeat password">')
    elif kind == "login":
        # Many real sites mark their login field autocomplete="new-password" to stop autofill:
        # a trap for rules that trust the attribute, and mistakes for the viewer's gallery.
        autocomplete = "new-password" if rng.random() < 0.5 else "current-password"
        fields.append(f'<input type="password" name="password" autocomplete="{autocomplete}" placeholder="Password">')
    elif kind == "change":
        # A change-password form: the current password sits beside the new ones, a classic
        # confusion for a new-password model (and real pages often give it no autocomplete).
        current = ' autocomplete="current-password"' if rng.random() < 0.3 else ""
        fields = [f'<input type="password" name="old_password"{current} placeholder="Current password">',
                  '<input type="password" name="password" data-fathom="new-password" placeholder="New password">',
                  '<input type="password" name="password2" data-fathom="new-password" placeholder="Again">']
    title = {"signup": "Create your account", "login": "Sign in", "change": "Change your password"}[kind]
    return f"<h2>{title}</h2><form>{''.join(fields)}</form>"


def page(index: int, rng: random.Random) -> tuple[str, bool]:
    kind = "signup" if index % 3 != 2 else rng.choice(["login", "article", "change"])
    body = [f'<img alt="logo" src="{data_url("image/png", logo_png(rng))}">', f"<h1>{rng.choice(WORDS).title()}</h1>"]
    if kind != "article":
        body.append(form(kind, rng))
    body.append(text_links(rng))
    if kind == "signup":  # negative pages carry no label of any type
        body.append(f"<div>{button_links(rng)}</div>")
    body.append(text_links(rng))
    html = (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f'<link rel="original" href="https://demo.example/{kind}/{index}">'
        # As real saves have them: crossorigin/integrity kept from the live site, an empty
        # icon, and now and then a refresh that would navigate away while rendering.
        f'<link rel="stylesheet" crossorigin="anonymous" integrity="sha384-demo" href="{stylesheet(rng)}">'
        '<link rel="icon" href="data:;base64,">'
        + ('<meta http-equiv="refresh" content="0; url=https://demo.example/next">' if index % 4 == 0 else "") +
        f"<title>{kind} {index}</title></head><body>{''.join(body)}</body></html>"
    )
    return html, kind in ("signup", "change")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=36)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for i in range(args.count):
        html, _ = page(i, rng)
        (args.out / f"page-{i:03d}.html").write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main()
