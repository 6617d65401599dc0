"""Benchmark: `corpus extract` against the old tool's algorithm, on the same page, in one run.

    .venv/bin/python bench/extract.py [--size-mb 200]

Generates a freeze-dry-like page (images, stylesheets holding fonts and images,
repeated icons, srcset, style attributes, percent-encoded SVG), then runs, each
in its own child process so wall time and peak RSS are its own:

- the old tool: fathom-web's `extract_base64_data_from_html_page`, installed
  from PyPI with --no-deps into a throwaway virtualenv, writing the page as its
  CLI does;
- ours: `corpus.extract.extract.extract_sample` (resources synced to disk);
- `base64 -d` over the page's base64 characters: the physical floor for the decoding.

Then `inline` is run on our result and must give the page back byte for byte.
Goals: at least 25x faster than the old tool; peak memory at most the page size.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

MIB = 1024 * 1024
CSP = ("default-src 'none'; img-src data:; media-src data:; style-src data: 'unsafe-inline'; "
       "font-src data:; frame-src data:")

OLD_TOOL = """
import importlib.util, pathlib, sys
spec = importlib.util.spec_from_file_location("fathom_extract", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)  # the module alone: fathom_web/__init__ imports torch, sklearn...
page = pathlib.Path(sys.argv[2])
html = module.extract_base64_data_from_html_page(page)
with page.open("w", encoding="utf-8", errors="surrogateescape") as f:  # as its CLI writes it
    f.write(html)
"""

OURS = """
import pathlib, sys
from corpus.extract.extract import extract_sample
from corpus.samples.tree import Sample
result = extract_sample(Sample(pathlib.Path(sys.argv[1]), "unused", "1.html"))
assert result.changed and not result.problems, result.problems
print(len(result.resources))
"""

INLINE = """
import pathlib, sys
from corpus.extract.inline import inline_sample
from corpus.samples.tree import Sample
assert inline_sample(Sample(pathlib.Path(sys.argv[1]), "unused", "1.html"))
"""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def fake(rng: random.Random, magic: bytes, size: int) -> bytes:
    return magic + rng.randbytes(max(0, size - len(magic)))


def generate_page(path: Path, size: int, seed: int = 1) -> None:
    """A page of about `size` bytes shaped like a freeze-dry save."""
    rng = random.Random(seed)
    png, jpeg, woff2 = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"wOF2"
    icons = [b64(fake(rng, png, rng.randint(300, 3000))) for _ in range(12)]
    svg = "%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%2016%2016'%3E%3Cpath%20d='M0%200h16v16H0z'/%3E%3C/svg%3E"
    with path.open("w", encoding="ascii") as f:
        f.write(f'<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n'
                f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
                f'<meta http-equiv="Memento-Datetime" content="Sat, 21 Nov 2026 00:00:00 GMT">\n'
                f'<link rel="original" href="https://example.com/">\n<title>bench</title>\n')
        written = 0
        n = 0
        while written < size:
            n += 1
            kind = rng.random()
            if kind < 0.25:  # a stylesheet with two fonts and a background image, itself a data URL
                fonts = "".join(f"@font-face{{font-family:f{n}_{i};src:url(data:font/woff2;base64,"
                                f"{b64(fake(rng, woff2, rng.randint(20_000, 120_000)))}) format('woff2')}}\n"
                                for i in range(2))
                css = fonts + f".c{n}{{background:url(\"data:image/png;base64,{rng.choice(icons)}\")}}\n"
                chunk = (f'<link rel="stylesheet" data-original-href="https://example.com/{n}.css" '
                         f'href="data:text/css;base64,{b64(css.encode())}">\n')
            elif kind < 0.65:  # a photo, with srcset
                photo = b64(fake(rng, jpeg, rng.randint(50_000, 900_000)))
                chunk = (f'<p class="p{n}">Text {n} around the picture.</p>'
                         f'<img data-original-src="https://example.com/{n}.jpg" src="data:image/jpeg;base64,{photo}" '
                         f'srcset="data:image/jpeg;base64,{photo} 1x, data:image/png;base64,{rng.choice(icons)} 2x">\n')
            elif kind < 0.9:  # repeated icons in style attributes and <style>
                chunk = "".join(
                    f'<span class="i" style="background-image: url(&quot;data:image/png;base64,{rng.choice(icons)}&quot;)">'
                    f'icon</span><a href="#x{n}_{i}">link {i}</a>\n' for i in range(8))
                chunk += f"<style>.s{n}{{background:url(data:image/png;base64,{rng.choice(icons)})}}</style>\n"
            else:  # percent-encoded SVG and a small GIF
                gif = b64(b"GIF89a" + rng.randbytes(rng.randint(40, 400)))
                chunk = (f'<div style="background:url(&quot;data:image/svg+xml,{svg}&quot;)">svg</div>'
                         f'<img src="data:image/gif;base64,{gif}">\n')
            f.write(chunk)
            written += len(chunk)
        f.write("</body></html>\n")


def old_tool_venv(where: Path) -> Path:
    """A throwaway virtualenv with fathom-web (no dependencies) and click, which its module imports."""
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
                    "fathom-web", "click"], check=True, stderr=subprocess.DEVNULL)
    found = list(where.glob("lib/python*/site-packages/fathom_web/commands/extract.py"))
    if not found:
        sys.exit("fathom-web installed without fathom_web/commands/extract.py")
    return found[0]


MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "rss": usage.ru_maxrss * 1024, "status": done.returncode,
                  "out": done.stdout.decode(errors="replace")}))
"""


def timed(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS bytes and stdout of one child process.

    A small Python in between starts the tool and reads RUSAGE_CHILDREN: a child
    forked straight from this (large) process would inherit its peak RSS.
    """
    measured = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, check=True)
    result = json.loads(measured.stdout)
    if result["status"] != 0:
        sys.exit(f"{' '.join(command[:3])}... failed with status {result['status']}")
    return result["wall"], result["rss"], result["out"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=200, help="page size in MiB (default 200)")
    args = parser.parse_args()
    python = sys.executable

    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "page.html"
        generate_page(source, int(args.size_mb * MIB))
        size = source.stat().st_size
        print(f"page: {size / MIB:.1f} MiB, generated")
        old_module = old_tool_venv(tmp / "venv")

        old_dir = tmp / "old"
        old_dir.mkdir()
        shutil.copyfile(source, old_dir / "1.html")
        ours_root = tmp / "ours"
        (ours_root / "samples" / "unused").mkdir(parents=True)
        page = ours_root / "samples" / "unused" / "1.html"
        shutil.copyfile(source, page)

        floor = tmp / "floor.b64"  # the page's bytes minus everything base64 -d would reject
        keep = bytes(range(256)).translate(None, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        alphabet_only = source.read_bytes().translate(None, keep)
        floor.write_bytes(alphabet_only[:len(alphabet_only) // 4 * 4])
        del alphabet_only
        base_wall, base_rss, _ = timed(["sh", "-c", f"base64 -d < '{floor}' > /dev/null"])
        floor_mb = floor.stat().st_size / 1e6
        old_wall, old_rss, _ = timed([str(tmp / "venv" / "bin" / "python"), "-c", OLD_TOOL, str(old_module),
                                      str(old_dir / "1.html")])
        our_wall, our_rss, out = timed([python, "-c", OURS, str(ours_root)])
        extracted = page.stat().st_size
        inline_wall, inline_rss, _ = timed([python, "-c", INLINE, str(ours_root)])
        if page.read_bytes() != source.read_bytes():
            sys.exit("inline did not restore the page byte for byte")

        mb = size / 1e6
        print(f"ours: {int(out)} resources, page {size / MIB:.1f} MiB -> {extracted / 1024:.1f} KiB; "
              "inline restored it byte for byte")
        print(f"{'':22} {'wall s':>8} {'peak RSS MiB':>13} {'RSS/page':>9} {'MB/s':>8}")
        for name, wall, rss in (("old tool (fathom-web)", old_wall, old_rss), ("corpus extract", our_wall, our_rss),
                                ("corpus inline", inline_wall, inline_rss)):
            print(f"{name:22} {wall:8.2f} {rss / MIB:13.1f} {rss / size:9.2f} {mb / wall:8.1f}")
        print(f"{'base64 -d (floor)':22} {base_wall:8.2f} {base_rss / MIB:13.1f} {'':9} {floor_mb / base_wall:8.1f}")
        print(f"speed: corpus extract is {old_wall / our_wall:.1f}x faster than the old tool (goal >= 25x)")
        print(f"memory: corpus extract peaks at {our_rss / size:.2f}x the page size (goal <= 1.00; "
              f"old tool {old_rss / size:.2f}x)")
        print(f"floor: corpus extract {mb / our_wall:.0f} MB/s of page, base64 -d {floor_mb / base_wall:.0f} MB/s "
              f"of base64 ({(mb / our_wall) / (floor_mb / base_wall):.2f}x)")


if __name__ == "__main__":
    main()
