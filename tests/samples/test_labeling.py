"""Label edits change one attribute of one start tag, on pages as messy as real ones."""

from __future__ import annotations

import pytest

from corpus.errors import BadInput
from corpus.samples.labeling import html_element, labels_by_element, set_label

# Uppercase tags and names, single, double and no quotes, a bare attribute, a `>`
# inside a value, a tag inside a comment and a script, invalid UTF-8, CRLF.
MESSY = (
    b"<!DOCTYPE html>\r\n<HTML Lang=en><head><script>var s = '<input data-fathom=x>';</script>"
    b"<!-- <input data-fathom='commented'> --></head>\r\n<BODY>"
    b"<input\r\n  type=password DATA-FATHOM='new' value=\"a>b\">"
    b"<a data-fathom href=/x>\xff\xfe</a>"
    b"<b data-fathom=old title=t>b</b><i>no label</i></BODY></HTML>"
)


def element_number(html: bytes, needle: bytes) -> int:
    """The start tag number of the first tag that starts with `needle` (counting as a browser does)."""
    from corpus.starttags import start_tags

    return next(i for i, t in enumerate(start_tags(html)) if html[t.start:t.end].startswith(needle))


def test_labels_are_found_where_a_browser_finds_them():
    labels = labels_by_element(MESSY)
    assert sorted(labels.values()) == ["", "new", "old"]  # not the ones in the script or the comment
    assert labels[element_number(MESSY, b"<input")] == "new"


@pytest.mark.parametrize("needle,label,old,new", [
    (b"<input", "confirm", b"DATA-FATHOM='new'", b"DATA-FATHOM='confirm'"),  # keeps the page's quotes and case
    (b"<input", None, b"\r\n  type=password DATA-FATHOM='new'", b"\r\n  type=password"),
    (b"<a ", "new", b"<a data-fathom href", b'<a data-fathom="new" href'),  # a bare attribute gets a value
    (b"<b ", "BAD new", b"data-fathom=old", b'data-fathom="BAD new"'),  # an unquoted value gets quotes
    (b"<b ", None, b" data-fathom=old", b""),
    (b"<i>", "new", b"<i>", b'<i data-fathom="new">'),
    (b"<HTML", "article", b"<HTML Lang", b'<HTML data-fathom="article" Lang'),
])
def test_an_edit_changes_that_attribute_and_nothing_else(needle, label, old, new):
    edit = set_label(MESSY, element_number(MESSY, needle), label)
    assert edit.after == MESSY.replace(old, new, 1)
    assert labels_by_element(edit.after).get(edit.element) == label
    assert edit.before == MESSY  # what undo writes back


def test_the_whole_page_label_sits_on_html_and_bad_requests_are_refused():
    assert html_element(MESSY) == element_number(MESSY, b"<HTML")
    with pytest.raises(BadInput, match="no <html> start tag"):
        html_element(b"<p>no html tag")
    with pytest.raises(BadInput, match="no such start tag"):
        set_label(MESSY, 999, "new")
    sneaky = set_label(MESSY, 0, 'new" onclick="x')  # a value cannot break out of its quotes
    assert b'data-fathom="new&quot; onclick=&quot;x"' in sneaky.after
    assert labels_by_element(sneaky.after)[0] == 'new" onclick="x'
    assert set_label(MESSY, element_number(MESSY, b"<input"), "new").after == MESSY  # already so: no change


def test_an_interrupted_label_change_is_finished_or_rolled_back_by_the_next_command(corpus_root, git, commit, corpus_cli):
    import hashlib

    from corpus.samples import journal
    from corpus.store.atomic import atomic_write

    page = corpus_root / "samples/training/1.html"
    page.write_bytes(MESSY)
    commit(corpus_root, "a page")
    edit = set_label(MESSY, element_number(MESSY, b"<i>"), "new")
    entry = {"page": "samples/training/1.html", "sha256": hashlib.sha256(edit.after).hexdigest()}

    # Killed after the plan was written, before the page changed: nothing to finish.
    journal.write_plan(corpus_root, journal.Plan("label", [entry]))
    rolled_back = corpus_cli("status", cwd=corpus_root)
    assert "finished an interrupted label change" in rolled_back.stderr and "0 page(s) staged" in rolled_back.stderr
    assert page.read_bytes() == MESSY and git(corpus_root, "diff", "--cached", "--name-only") == ""

    # Killed after the page changed, before it was staged: the next command stages it.
    journal.write_plan(corpus_root, journal.Plan("label", [entry]))
    atomic_write(page, edit.after)
    finished = corpus_cli("status", cwd=corpus_root)
    assert "1 page(s) staged" in finished.stderr
    assert git(corpus_root, "diff", "--cached", "--name-only").split() == ["samples/training/1.html"]
    assert not journal.journal_path(corpus_root).exists()
