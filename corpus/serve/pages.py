"""The viewer's HTML: plain pages, escaped text, one small script and one stylesheet."""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from corpus.tree.sample import Sample

if TYPE_CHECKING:
    from corpus.serve.results import SampleRow, SetSummary

OUTCOMES = ("TP", "FP", "FN", "pruned")
# Inside a script element the HTML parser looks only for `</script` (and `<!--`): JSON
# writes these three as \u escapes, which JSON.parse reads back as the very characters.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def script_json(data: Any) -> str:
    """`data` as JSON that can stand as the text of a `<script type=application/json>`."""
    return json.dumps(data).translate(_SCRIPT_SAFE)


def url_part(name: str) -> str:
    """A name as one percent-encoded part of a URL. A file name that is not UTF-8 holds
    its bytes as surrogates (os.fsdecode): they are sent as those bytes, which
    safety.request_path decodes back to the same name."""
    return quote(name, errors="surrogateescape")


def _layout(title: str, token: str, body: str, data: dict[str, Any] | None = None) -> str:
    # Page data goes in a JSON script element: the page CSP runs only our own script file.
    data_json = script_json(data or {})
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="corpus-token" content="{escape(token)}">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/static/viewer.css">
</head><body>
<header><a href="/">corpus</a> <span>{escape(title)}</span></header>
{body}
<script type="application/json" id="corpus-data">{data_json}</script>
<script src="/static/viewer.js"></script>
</body></html>
"""


def _query(trainee: str | None, **more: str) -> str:
    items = {**({"trainee": trainee} if trainee else {}), **more}
    return ("?" + "&".join(f"{k}={url_part(v)}" for k, v in items.items())) if items else ""


def _metrics_line(summary: SetSummary) -> str:
    m = summary.metrics
    if summary.problem is not None:
        return f"no model results: {summary.problem}"
    if m is None:
        return "no model results (vectorize the set and train a model to see them)"
    from trainer.report import mcc_text  # loaded already: it computed these metrics

    return (f"accuracy {m.accuracy:.4f} · precision {m.precision:.4f} · recall {m.recall:.4f} · "
            f"MCC {mcc_text(m.mcc, m.confusion)} · cutoff {m.cutoff:.2f}")


def index_page(summaries: list[SetSummary], trainee: str | None, trained: list[str], token: str) -> str:
    """Per set, a row of counts per sample (the findings themselves are on its sample
    view, one click away): the page stays small however much `check` finds."""
    parts = [_trainee_choice(trainee, trained), COLLECT_FIELD]
    parts += [_set_section(summary, trainee) for summary in summaries if summary.rows]
    return _layout("samples", token, "\n".join(parts), {"view": "index"})


# FathomFox's page-at-a-time collector: viewer.js posts the line and opens the new sample.
COLLECT_FIELD = """<form id="collect" class="collect"><label>collect a page into unused:
<input id="collect-url" name="url" size="60" placeholder="https://www.example.com/  or  NAME https://…" required></label>
<button>collect and label</button> <span id="collect-message" class="message"></span></form>"""


def _trainee_choice(trainee: str | None, trained: list[str]) -> str:
    choices = " ".join(
        f'<a href="/{_query(t)}"{" class=current" if t == trainee else ""}>{escape(t)}</a>' for t in trained
    ) or "none trained yet"
    return f"<p>trainee: {choices}</p>"


INDEX_COLUMNS = ("sample", "kind", "labels", *OUTCOMES, "worst", "check")


def _set_section(summary: SetSummary, trainee: str | None) -> str:
    rows = "".join(_sample_row(row, trainee) for row in summary.rows)
    gallery = f'<a href="/gallery{_query(trainee, set=summary.set_name)}">gallery of mistakes</a>' if trainee else ""
    head = "".join(f"<th>{h}</th>" for h in INDEX_COLUMNS)
    return (f'<section class="set"><h2>{escape(summary.set_name)} <small>{len(summary.rows)} samples</small></h2>'
            f'<p class="summary">{escape(_metrics_line(summary))} {gallery}</p>'
            f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>')


def _sample_row(row: SampleRow, trainee: str | None) -> str:
    """One sample: counts only, each bounded in size (its findings are a click away)."""
    link = f"/sample/{url_part(row.set_name)}/{url_part(row.name)}{_query(trainee)}"
    labels = ", ".join(f"{escape(k)} ×{n}" for k, n in sorted(row.labels.items())) or "—"
    outcomes = "".join(f'<td class="n {o}">{row.outcomes.get(o, 0) or ""}</td>' for o in OUTCOMES)
    worst = f"{row.worst:.3f}" if row.worst is not None else ""
    count = len(row.findings)
    findings = f'<a href="{link}#findings">{count}</a>' if count else ""
    return (f'<tr data-errors="{row.errors}"><td><a href="{link}">{escape(row.name)}</a></td>'
            f'<td>{"negative" if row.negative else "positive"}</td><td>{labels}</td>{outcomes}'
            f'<td class="n">{worst}</td><td class="n findings">{findings}</td></tr>')


def sample_page(sample: Sample, trainee: str | None, types: list[str], token: str) -> str:
    frame = f"/frame/{url_part(sample.set_name)}/{url_part(sample.stem)}/{url_part(sample.name)}"
    options = "".join(f'<option value="{escape(t)}">{escape(t)}</option>' for t in types)
    body = f"""<main class="sample">
<div class="frame-wrap"><iframe id="page" src="{frame}" sandbox="allow-same-origin" title="{escape(sample.relpath)}"></iframe></div>
<aside>
  <h2>{escape(sample.relpath)}</h2>
  <p>trainee: <b>{escape(trainee or "none")}</b></p>
  <p class="legend"><span class="TP">true positive</span> <span class="FP">false positive</span>
     <span class="FN">false negative</span> <span class="pruned">pruned target</span> <span class="label">label</span></p>
  <p class="stops"><button id="previous-stop" disabled>◀ previous</button>
     <span id="stop-at">looking for mistakes…</span>
     <button id="next-stop" disabled>next ▶</button></p>
  <div id="hover" class="details">Hover an element to see its start tag and the rules behind its score.</div>
  <h3>Label</h3>
  <p id="selected">Click an element on the page to select it.</p>
  <p><select id="label-type"><option value="">(remove the label)</option>{options}</select>
     <button id="apply-label" disabled>apply to the element</button></p>
  <p><select id="page-type"><option value="">(no page label)</option>{options}</select>
     <button id="apply-page">set whole-page label</button></p>
  <p><button id="undo">undo the last change</button></p>
  <div id="message" class="message"></div>
  <h3>check</h3><ul id="findings"></ul>
</aside></main>"""
    data = {"view": "sample", "set": sample.set_name, "name": sample.name, "trainee": trainee}
    return _layout(sample.relpath, token, body, data)


def gallery_page(mistakes: list[dict[str, Any]], set_name: str, trainee: str | None, token: str,
                 problem: str | None = None) -> str:
    if trainee is None:
        items = "<p>No model yet: train one to see its mistakes.</p>"
    elif problem is not None:
        items = f"<p>No model results: {escape(problem)}</p>"
    elif not mistakes:
        items = "<p>No false positives or false negatives in this set.</p>"
    else:
        cards = []
        for m in mistakes:
            link = f"/sample/{url_part(m['set'])}/{url_part(m['name'])}{_query(trainee)}"
            crop = f"/crop/{url_part(m['set'])}/{url_part(m['name'])}/{m['element']}.png"
            score = f"{m['score']:.3f}" if m["score"] is not None else "not a candidate"
            cards.append(
                f'<figure class="{m["outcome"]}"><a href="{link}"><img src="{crop}" alt="{escape(m["markup"])}" loading="lazy"></a>'
                f'<figcaption><b>{m["outcome"]}</b> {score} · <a href="{link}">{escape(m["name"])}</a><br>'
                f'<code>{escape(m["markup"])}</code></figcaption></figure>'
            )
        items = f'<div class="gallery">{"".join(cards)}</div>'
    title = f"mistakes in {set_name}" + (f" for {trainee}" if trainee else "")
    return _layout(title, token, items, {"view": "gallery"})
