from pathlib import Path

import pytest

from corpus.errors import BadInput
from corpus.tree.rubric import RubricError, parse_rubric
from corpus.tree.sample import NamingRule, Sample, resolve_samples

FACTS_SCHEME = r"^(?P<lang>[A-Z]{2})_(?P<id>\d+)(?P<variant>[ab])?(?P<negative>n)?(?P<change>_change)?\.html$"


def test_default_rule_reads_the_guides_names():
    rule = NamingRule()
    assert not rule.is_negative("3.html") and rule.is_negative("n4.html")
    assert rule.sample_id("n4.html") == "4"
    assert rule.match("111 2.html") is None  # macOS copies break the rule


def test_custom_rule_expresses_the_public_corpus_scheme():
    rule = NamingRule(FACTS_SCHEME)
    assert rule.is_negative("EN_1n.html")
    assert not rule.is_negative("DE_89964_change.html")
    assert rule.match("DE_89964_change.html")["lang"] == "DE"
    assert rule.match("EN_12an.html") == {"lang": "EN", "id": "12", "variant": "a", "negative": "n"}


def test_sample_paths():
    s = Sample(Path("/c"), "training", "n4.html")
    assert s.path == Path("/c/samples/training/n4.html")
    assert s.resources_dir == Path("/c/samples/training/resources/n4")
    assert s.relpath == "samples/training/n4.html"


def test_paths_outside_the_corpus_are_refused(corpus_root, tmp_path):
    (corpus_root / "samples" / "unused" / "resources").mkdir()
    outside = tmp_path / "elsewhere.html"
    outside.write_text("<html></html>")
    with pytest.raises(BadInput, match="elsewhere.html"):
        resolve_samples(corpus_root, [outside])
    with pytest.raises(BadInput, match="not inside the corpus samples folder"):
        resolve_samples(corpus_root, [corpus_root / "samples" / "unused" / ".." / ".." / ".git"])
    with pytest.raises(BadInput, match="not a set folder"):
        resolve_samples(corpus_root, [corpus_root / "samples" / "unused" / "resources"])


def test_rubric_schema_errors_name_the_line(tmp_path):
    text = "---\nversion: 1\ntypes:\n  pw:\n    selector: input\n    min: 2\n    max: 1\n---\nprose\n"
    with pytest.raises(RubricError) as err:
        parse_rubric(tmp_path / "rubric.md", text)
    assert err.value.line == 7 and "max (1) is below min (2)" in str(err.value)
    with pytest.raises(RubricError, match="stratify group `lang`"):
        parse_rubric(tmp_path / "r.md", "---\nnaming:\n  stratify: [lang]\n---\n")


def test_rubric_reads_the_custom_scheme(tmp_path):
    text = f"---\nversion: 3\nnaming:\n  pattern: '{FACTS_SCHEME}'\n  stratify: [lang]\n---\n"
    rubric = parse_rubric(tmp_path / "rubric.md", text)
    assert rubric.version == 3 and rubric.stratify == ("lang",)
    assert rubric.naming.is_negative("EN_1n.html")


def test_the_documented_pattern_reads_real_names_and_groups_a_site():
    from tests.samples.trees import REAL_NAMES, REAL_PATTERN

    readme = Path(__file__).parents[2].joinpath("docs", "samples.md").read_text()
    assert REAL_PATTERN.replace("\\\\", "\\") in readme
    rule = NamingRule(REAL_PATTERN, group="site")
    assert all(rule.match(name) for name in REAL_NAMES)
    assert rule.is_negative("EN_130509na.html") and not rule.is_negative("EN-143210a_change.html")
    assert rule.group_of("EN_137370n.html") == rule.group_of("EN_137370a.html") != rule.group_of("FR_137370.html")
    assert rule.identity("EN_137370n.html") == "EN_137370n.html"  # no `id`: the name is the identity


def test_rubric_group_must_be_a_group_of_the_pattern(tmp_path):
    with pytest.raises(RubricError, match="naming group `site` is not a group of the naming pattern"):
        parse_rubric(tmp_path / "rubric.md", "---\nnaming:\n  pattern: '^(?P<id>\\d+)\\.html$'\n  group: site\n---\n")
    rubric = parse_rubric(tmp_path / "rubric.md", "---\nnaming:\n  pattern: '^(?P<id>\\d+)[ab]?\\.html$'\n  group: id\n---\n")
    assert rubric.naming.group == "id"
