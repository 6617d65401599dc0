"""The sample view opens at the model's first mistake, and next/previous walk the rest,
in real headless Chromium."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.serve.support import make_corpus, viewer

SPACER = '<div style="height:3000px"></div>'
# A true positive at the top, then two false positives (unlabeled password fields) far down.
TALL = ('<!DOCTYPE html><html><body><input type=password id=new-top data-fathom="new-password">'
        f'{SPACER}<input type=password id=first>{SPACER}<input type=password id=second>{SPACER}</body></html>')
IN_VIEW = "id => { const r = document.getElementById(id).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"


def test_the_view_opens_at_the_first_mistake_and_next_moves_to_the_second(corpus_root: Path, commit, browser):
    make_corpus(corpus_root, commit)
    (corpus_root / "samples/training/3.html").write_text(TALL)
    (corpus_root / "samples/training/4.html").write_text(  # a true positive far down, no mistake
        f'<html><body>{SPACER}<input type=password id=new-only data-fathom="new-password">{SPACER}</body></html>')
    commit(corpus_root, "tall pages")
    with viewer(corpus_root) as url:
        page = browser.new_page(viewport={"width": 1300, "height": 700})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url + "sample/training/3.html?trainee=new-password")
        page.wait_for_selector("body[data-ready=yes]")
        frame = page.frame(url=lambda u: "/frame/" in u)
        expect(page.locator("#stop-at")).to_have_text("mistake 1 of 2")
        assert frame.evaluate(IN_VIEW, "first") and not frame.evaluate(IN_VIEW, "new-top")
        expect(page.locator("#hover")).to_contain_text('id="first"')  # its rules, largest share first
        assert page.locator("#hover tr").first.inner_text().startswith("is_password")
        expect(page.locator("#previous-stop")).to_be_disabled()

        page.click("#next-stop")
        expect(page.locator("#stop-at")).to_have_text("mistake 2 of 2")
        assert frame.evaluate(IN_VIEW, "second") and not frame.evaluate(IN_VIEW, "first")
        expect(page.locator("#next-stop")).to_be_disabled()
        page.click("#previous-stop")
        expect(page.locator("#stop-at")).to_have_text("mistake 1 of 2")
        assert frame.evaluate(IN_VIEW, "first")

        # A page without mistakes opens at its first target.
        page.goto(url + "sample/training/4.html?trainee=new-password")
        page.wait_for_selector("body[data-ready=yes]")
        expect(page.locator("#stop-at")).to_have_text("target 1 of 1")
        frame = page.frame(url=lambda u: "/frame/" in u)
        assert frame.evaluate(IN_VIEW, "new-only")
        assert errors == []
