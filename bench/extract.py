"""Benchmark: `corpus extract` against the old tool's algorithm, on the same pages, in one run.

    .venv/bin/python bench/extract.py [--pages 8] [--jobs N] [--repeat 3] [--resources 1000]
                                      [--size-mb 200] [--shape both|synthetic|real] [--dir DIR]

Generates two page shapes and measures each:

- synthetic: a freeze-dry-like page of --size-mb (images, stylesheets holding fonts
  and images, repeated icons, srcset, style attributes, percent-encoded SVG), few
  and large resources;
- real: shaped like the saved pages users really have: --resources resources of
  200 B to 50 KB (most small), stylesheets inlined as data URLs that hold fonts and
  images, srcset with density candidates, spaced headers, a few empty data URLs;
  measured as one page, and as a corpus run of --pages such pages (the headline:
  users run `corpus extract` on a set).

then runs, each in its own child process so wall time and peak RSS are its own,
--repeat times interleaved on fresh copies, keeping the best of each (the machine
is shared and noisy; ratios within one run are what to compare):

- the old tool: fathom-web's `extract_base64_data_from_html_page`, installed
  from PyPI with --no-deps into a throwaway virtualenv, writing the pages as its
  CLI does (one process for the run);
- ours: `corpus.extract.run.extract_samples` as `corpus extract -j N` runs it
  (resources synced to disk), for the corpus run with 1 worker and with --jobs;
- `base64 -d` over the pages' base64 characters: the physical floor for the decoding;
- creating the same files (same sizes, then sync): the floor for the writing. On
  some disks one create costs more than decoding a resource, which caps any
  extractor's ratio; the bench prints that cap.

The disk is synced before every measured run, so no tool pays for another's writes.
Then `inline` is run on our result and must give the pages back byte for byte.
Goals: at least 25x faster than the old tool; within 3x of `base64 -d` over the same
base64; peak memory at most the page size.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import venv
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024
CSP = ("default-src 'none'; img-src data:; media-src data:; style-src data: 'unsafe-inline'; "
       "font-src data:; frame-src data:")

OLD_TOOL = """
import importlib.util, pathlib, sys
spec = importlib.util.spec_from_file_location("fathom_extract", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)  # the module alone: fathom_web/__init__ imports torch, sklearn...
for page in sorted(pathlib.Path(sys.argv[2]).glob("*.html")):  # one process for the run, as its CLI
    html = module.extract_base64_data_from_html_page(page)
    with page.open("w", encoding="utf-8", errors="surrogateescape") as f:  # as its CLI writes it
        f.write(html)
"""

OURS = """
import pathlib, sys
from corpus.extract.run import extract_samples
from corpus.tree.sample import set_samples
resources = 0
samples = list(set_samples(pathlib.Path(sys.argv[1]), "unused"))
for result in extract_samples(samples, int(sys.argv[2]) or None):  # as `corpus extract --jobs` runs them
    assert result.changed and not result.problems, result.problems
    resources += len(result.resources)
print(resources)
"""

INLINE = """
import pathlib, sys
from corpus.extract.inline import inline_sample
from corpus.tree.sample import set_samples
for sample in set_samples(pathlib.Path(sys.argv[1]), "unused"):
    assert inline_sample(sample)
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


def generate_real_page(path: Path, resources: int, seed: int = 2) -> None:
    """A page shaped like real saves: many small resources (200 B-50 KB), nested stylesheets, srcset."""
    rng = random.Random(seed)
    kinds = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff\xe0", "image/jpeg"),
             (b"GIF89a", "image/gif"), (b"wOF2", "font/woff2"))

    def resource_size() -> int:
        return int(200 * (250 ** rng.random()))  # log-uniform from 200 B to 50 KB: most are small

    def data_url(kind: tuple[bytes, str], spaced: bool = False) -> str:
        header = kind[1] + ("; charset=binary" if spaced else "")
        return f"data:{header};base64,{b64(fake(rng, kind[0], resource_size()))}"

    made = 0
    with path.open("w", encoding="ascii") as f:
        f.write(f'<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n'
                f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
                f'<link rel="original" href="https://example.com/">\n<title>bench</title>\n')
        while made < resources:
            kind = rng.random()
            if kind < 0.08:  # a stylesheet with fonts and images, itself a data URL
                inner = min(6, resources - made - 1)
                rules = "".join(
                    f"@font-face{{font-family:f{made}_{i};src:url({data_url(kinds[3])})}}\n" if i % 2 else
                    f".c{made}_{i}{{background:url(\"{data_url(kinds[0])}\")}}\n" for i in range(inner))
                f.write(f'<link rel="stylesheet" crossorigin="anonymous" href="data:text/css;base64,'
                        f'{b64(rules.encode())}">\n')
                made += inner + 1
            elif kind < 0.3:  # srcset with density candidates
                a, b = data_url(kinds[1]), data_url(kinds[1])
                f.write(f'<img src="{a}" srcset="{a} 1x, {b} 2x" alt="p{made}">\n')
                made += 2
            elif kind < 0.4:
                f.write(f'<span style="background-image: url(&quot;{data_url(kinds[0])}&quot;)">i</span>\n')
                made += 1
            elif kind < 0.42:
                f.write('<img src="data:;base64,"><link rel=icon href="data:">\n')  # empty ones
            else:
                f.write(f'<p>Text {made}.</p><img src="{data_url(rng.choice(kinds[:3]), spaced=kind > 0.97)}">\n')
                made += 1
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


# Creating the files is part of the floor too: on some file systems it costs far more
# than decoding (one create can take a millisecond). Times only the loop, not Python's start.
FILES_FLOOR = """
import os, sys, time
sizes = [int(n) for n in open(sys.argv[1]).read().split()]
folder = sys.argv[2]
start = time.perf_counter()
for i, size in enumerate(sizes):
    fd = os.open(os.path.join(folder, str(i)), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    os.write(fd, bytes(size))
    os.close(fd)
os.sync()
print(time.perf_counter() - start)
"""

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


@dataclass
class Timing:
    """The best (least disturbed) of a tool's repeated runs: the least wall time, the largest peak RSS."""

    wall: float = float("inf")
    rss: int = 0
    out: str = ""

    def add(self, wall: float, rss: int, out: str) -> None:
        self.wall, self.rss, self.out = min(self.wall, wall), max(self.rss, rss), out


def fresh_copies(sources: list[Path], folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    copies = [folder / f"{i}.html" for i in range(1, len(sources) + 1)]
    for source, copy in zip(sources, copies):
        shutil.copyfile(source, copy)
    return copies


def settled(command: list[str]) -> tuple[float, int, str]:
    """`timed`, after the disk has written out what came before (the page copies, the previous
    tool's unsynced files): otherwise the first tool to sync would pay for everyone's writes."""
    os.sync()
    return timed(command)


def measure(name: str, sources: list[Path], tmp: Path, old_python: Path, old_module: Path,
            jobs: list[int], repeat: int) -> dict[str, float]:
    """Run the floors, the old tool and ours (with each of `jobs`) `repeat` times, interleaved,
    on fresh copies of `sources`; then inline; print the best times and their ratios."""
    python = sys.executable
    work = tmp / name
    work.mkdir()
    size = sum(source.stat().st_size for source in sources)
    size_per_page = size / len(sources)

    floor = work / "floor.b64"  # the pages' bytes minus everything base64 -d would reject
    keep = bytes(range(256)).translate(None, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    alphabet_only = b"".join(source.read_bytes() for source in sources).translate(None, keep)
    floor.write_bytes(alphabet_only[:len(alphabet_only) // 4 * 4])
    del alphabet_only
    floor_mb = floor.stat().st_size / 1e6

    base, old, files = Timing(), Timing(), Timing()
    ours = {n: Timing() for n in jobs}
    for run in range(repeat):
        rep = work / f"run{run}"
        base.add(*settled(["sh", "-c", f"base64 -d < '{floor}' > /dev/null"]))
        old_dir = rep / "old"
        fresh_copies(sources, old_dir)
        old.add(*settled([str(old_python), "-c", OLD_TOOL, str(old_module), str(old_dir)]))
        for n in jobs:
            root = rep / f"ours-j{n}"
            fresh_copies(sources, root / "samples" / "unused")
            ours[n].add(*settled([python, "-c", OURS, str(root), str(n)]))
        unused = rep / f"ours-j{jobs[0]}" / "samples" / "unused"
        made = [p for p in (unused / "resources").rglob("*") if p.is_file()]
        (rep / "sizes").write_text(" ".join(str(p.stat().st_size) for p in made))
        (rep / "files").mkdir()
        wall, rss, out = settled([python, "-c", FILES_FLOOR, str(rep / "sizes"), str(rep / "files")])
        files.add(float(out), rss, str(len(made)))
        # Nothing is deleted until the end: ext4 skips recently freed inodes when it allocates,
        # so creating files next to thousands just deleted costs up to 30x more (perf showed
        # find_inode_bit/recently_deleted taking 70% of the time), whichever tool comes next.
    pages = sorted(unused.glob("*.html"), key=lambda p: int(p.stem))
    extracted = sum(page.stat().st_size for page in pages)
    _, idle_rss, _ = timed([python, "-c", "import corpus.extract.run, corpus.tree.sample"])
    inline_wall, inline_rss, _ = settled([python, "-c", INLINE, str(unused.parent.parent)])
    if any(page.read_bytes() != source.read_bytes() for page, source in zip(pages, sources)):
        sys.exit(f"{name}: inline did not restore the pages byte for byte")

    best = min(jobs, key=lambda n: ours[n].wall)
    headline = ours[jobs[-1]]
    mb = size / 1e6
    n_files = int(files.out)
    print(f"\n== {name}: {len(sources)} page(s), {size / MIB:.1f} MiB, {int(headline.out)} resources extracted -> "
          f"{extracted / 1024:.1f} KiB; inline restored them byte for byte; best of {repeat} runs")
    print(f"{'':24} {'wall s':>8} {'peak RSS MiB':>13} {'RSS/page':>9} {'MB/s':>8}")
    rows = [("old tool (fathom-web)", old)] + [(f"corpus extract -j {n}", ours[n]) for n in jobs]
    for label, t in rows + [("corpus inline", Timing(inline_wall, inline_rss))]:
        print(f"{label:24} {t.wall:8.2f} {t.rss / MIB:13.1f} {t.rss / size_per_page:9.2f} {mb / t.wall:8.1f}")
    print(f"{'base64 -d (floor)':24} {base.wall:8.2f} {base.rss / MIB:13.1f} {'':9} {floor_mb / base.wall:8.1f}")
    print(f"{'creating the files':24} {files.wall:8.2f}   ({n_files} files, the same sizes, then sync: "
          f"{files.wall / n_files * 1e6:.0f} us per file; the old tool spends {old.wall / n_files * 1e6:.0f} us "
          "per resource in all)")
    ratios = {"speedup": old.wall / headline.wall, "memory": ours[jobs[0]].rss / size_per_page,
              "floor": headline.wall / base.wall, "floor_with_files": headline.wall / (base.wall + files.wall),
              "files_cap": old.wall / (base.wall + files.wall)}
    print(f"speed: corpus extract -j {jobs[-1]} is {ratios['speedup']:.1f}x faster than the old tool (goal >= 25x)"
          + "".join(f"; -j {n}: {old.wall / ours[n].wall:.1f}x" for n in jobs[:-1]))
    print(f"floor: corpus extract takes {ratios['floor']:.2f}x the time of base64 -d over the same base64 "
          f"(goal <= 3; {mb / headline.wall:.0f} MB/s of page vs {floor_mb / base.wall:.0f} MB/s of base64)")
    print(f"floor with files: corpus extract takes {ratios['floor_with_files']:.2f}x the time of base64 -d plus "
          f"creating the same files; that floor alone is {ratios['files_cap']:.1f}x faster than the old tool "
          "(the most any extractor that writes these files one process at a time could reach here)")
    print(f"memory: corpus extract -j {jobs[0]} peaks at {ratios['memory']:.2f}x the (largest) page size (goal <= 1.00; "
          f"old tool {old.rss / size_per_page:.2f}x); {(ours[jobs[0]].rss - idle_rss) / size_per_page:.2f}x above the "
          f"{idle_rss / MIB:.0f} MiB Python takes with corpus imported"
          + (f"; with -j {jobs[-1]} each of the {jobs[-1]} workers peaks at {ours[jobs[-1]].rss / MIB:.0f} MiB"
             if jobs[-1] > 1 else ""))
    if best != jobs[-1]:
        print(f"(on this run -j {best} was fastest)")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=200, help="synthetic page size in MiB (default 200)")
    parser.add_argument("--resources", type=int, default=1000, help="resources in the real-like page (default 1000)")
    parser.add_argument("--pages", type=int, default=8,
                        help="real-like pages in the corpus-run measurement, the headline (default 8; 0 skips it)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="worker processes for the corpus run (default: one per CPU, as `corpus extract`); "
                             "it is measured with 1 as well")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of every tool, interleaved; the best of each counts (default 3)")
    parser.add_argument("--shape", choices=("both", "synthetic", "real"), default="both")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to work (default: the system temp folder); e.g. /dev/shm to see the "
                             "ratios where creating a file is cheap")
    args = parser.parse_args()
    from corpus.parallel import usable_cpus

    corpus_jobs = sorted({1, args.jobs or usable_cpus()})
    with tempfile.TemporaryDirectory(prefix="bench-extract-", dir=args.dir) as tmp_name:
        tmp = Path(tmp_name)
        old_module = old_tool_venv(tmp / "venv")
        old_python = tmp / "venv" / "bin" / "python"
        if args.shape in ("both", "synthetic"):
            generate_page(tmp / "synthetic.html", int(args.size_mb * MIB))
            measure("synthetic page", [tmp / "synthetic.html"], tmp, old_python, old_module, [1], args.repeat)
        if args.shape in ("both", "real"):
            generate_real_page(tmp / "real.html", args.resources)
            measure("real-like page", [tmp / "real.html"], tmp, old_python, old_module, [1], args.repeat)
            if args.pages:  # a corpus run: fixed costs (start, imports, the workers) paid once; the headline
                sources = []
                for seed in range(args.pages):
                    sources.append(tmp / f"real-{seed}.html")
                    generate_real_page(sources[-1], args.resources, seed=100 + seed)
                measure("real-like corpus run", sources, tmp, old_python, old_module, corpus_jobs, args.repeat)


if __name__ == "__main__":
    main()
