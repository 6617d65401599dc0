"""Values that would train or split nonsense are refused (exit 2): ratios that are no finite
numbers, a --trainee other than the one a vector file was made for, and a NaN on its way
into a vector file."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from corpus.errors import BadInput
from corpus.samples.pick import parse_ratios
from corpus.vectors.vectorfile import dump_vectors
from trainer.synthetic import make_vectors


@pytest.mark.parametrize("ratios", ["1e400,1,1", "inf,1,1", "nan,1,1", "-1,1,1", "0,0,0", "1,1"])
def test_ratios_must_be_finite_non_negative_and_add_up_to_something(ratios: str) -> None:
    with pytest.raises(BadInput, match="--ratios"):
        parse_ratios(ratios)


def test_split_with_an_overflowing_ratio_moves_nothing(corpus_root: Path, corpus_cli) -> None:
    (corpus_root / "samples" / "unused" / "1.html").write_text("<html><body>x</body></html>")
    result = corpus_cli("split", "--ratios", "1e400,1,1", cwd=corpus_root)
    assert result.returncode == 2 and "--ratios" in result.stderr
    assert (corpus_root / "samples" / "unused" / "1.html").exists()


def test_train_refuses_a_trainee_the_vector_file_was_not_made_for(tmp_path: Path, corpus_cli) -> None:
    vectors = tmp_path / "vectors" / "training_new.json"  # where vectorize writes them, named by trainee
    vectors.parent.mkdir()
    dump_vectors(make_vectors(pages=4, features=2), vectors)
    result = corpus_cli("train", str(vectors), "--trainee", "nonsense", "-o", str(tmp_path / "m.json"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "training_new.json" in result.stderr and "nonsense" in result.stderr
    assert not (tmp_path / "m.json").exists()
    # A file `-o` put elsewhere is named as its writer chose: taken as given.
    elsewhere = tmp_path / "training_js.json"
    dump_vectors(make_vectors(pages=4, features=2), elsewhere)
    taken = corpus_cli("train", str(elsewhere), "--trainee", "new", "-o", str(tmp_path / "m.json"), cwd=tmp_path)
    assert taken.returncode == 0, taken.stderr


def test_a_vector_file_is_never_written_with_a_nan(tmp_path: Path) -> None:
    vectors = make_vectors(pages=2, features=2)
    vectors.pages[1].nodes[0].features[1] = math.nan
    with pytest.raises(BadInput, match=r"rule .*nan"):
        dump_vectors(vectors, tmp_path / "v.json")
    assert not (tmp_path / "v.json").exists()
