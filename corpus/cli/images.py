"""Commands for element images: crops, train-images, predict-images, test-images."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

import click

from corpus.cli.common import corpus_root, echo_json, reports_errors
from corpus.cli.scheduler import scheduler_for, scheduler_option
from corpus.progress import progress
from corpus.tree.sample import SAMPLES_DIR, SETS


@click.command()
@click.argument("sets", nargs=-1, metavar="[SET|PATH]...")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the crops: one subfolder per class.")
@click.option("--types", "types", multiple=True, metavar="T[,T...]",
              help="Label types to crop (repeat or comma-separate). Default: every type found.")
@click.option("--candidates", metavar="SELECTOR",
              help="Also crop elements matching this CSS selector that are not targets, into --other.")
@click.option("--other", default="other", show_default=True, help="Class (folder) name of non-target candidates.")
@click.option("--pad", default=10, show_default=True, type=int, help="Pixels of context around each element.")
@scheduler_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary.")
@click.pass_context
@reports_errors
def crops(ctx: click.Context, sets: tuple[str, ...], out_dir: Path, types: tuple[str, ...],
          candidates: str | None, other: str, pad: int, scheduler: str | None, as_json: bool) -> None:
    """Save a PNG of each labeled element (and of each other candidate) of the pages.

    SET is a set name (training, validation, ...) or a path to pages or set folders;
    none means the whole corpus. Invisible, zero-size, off-page and covered elements
    are skipped and counted. Pages unchanged since the last run into the same folder
    are not rendered again. Files are named <set>__<sample>__<index>.png.
    """
    from corpus.render.crops import CropOptions, make_crops, validate_options
    from corpus.tree.rubric import load_rubric
    from corpus.tree.sample import resolve_samples

    root = corpus_root(ctx)
    address = scheduler_for(root, scheduler)
    render = None
    if address is not None:
        from corpus.cluster.crops import cluster_renderer

        render = cluster_renderer(address)
    rubric = load_rubric(root)
    type_list = tuple(t.strip() for group in types for t in group.split(",") if t.strip())
    options = CropOptions(types=type_list or None, candidates=candidates, other=other, pad=pad,
                          viewport=rubric.viewport)
    validate_options(options, set(rubric.types))
    paths = [root / SAMPLES_DIR / s if s in SETS else Path(s) for s in sets]
    samples = resolve_samples(root, paths)

    with progress("cropping", len(samples), not as_json) as advance:
        report = make_crops(samples, out_dir, options, on_page=lambda _sample: advance(1), render=render)
    if as_json:
        echo_json(report.to_dict())
    else:
        _print_crop_report(report, out_dir)
    for line in report.failed:  # one line per page that failed; the others are done
        click.echo(line, err=True)
    if report.failed:
        click.echo(f"{len(report.failed)} page(s) could not be cropped", err=True)
        sys.exit(1)


def _print_crop_report(report, out_dir: Path) -> None:
    click.echo(f"pages: {report.rendered} rendered, {report.unchanged} unchanged, {report.removed} removed")
    written = ", ".join(f"{n} {name}" for name, n in sorted(report.written.items())) or "none"
    click.echo(f"crops written: {written}")
    if report.skipped:
        click.echo("skipped: " + ", ".join(f"{n} {reason}" for reason, n in sorted(report.skipped.items())))
    totals = ", ".join(f"{n} {name}" for name, n in sorted(report.totals.items())) or "none"
    click.echo(f"in {out_dir}: {totals}")


def _validation_split(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not 0 < value < 1:
        raise click.BadParameter("must be between 0 and 1 (exclusive)")
    return value


@click.command(name="train-images")
@click.argument("data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "model_dir", default="image-model", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Model directory to write.")
@click.option("--validation-split", default=0.4, show_default=True, type=float, callback=_validation_split,
              help="Share of the images kept for validation.")
@click.option("--seed", default=123, show_default=True, help="Seeds the split, the weights, the noise, the shuffling.")
@click.option("--size", default=256, show_default=True, type=click.IntRange(22),
              help="Images are resized to SIZE x SIZE.")
@click.option("--epochs", default=10, show_default=True, type=click.IntRange(1))
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(1))
@click.option("--grayscale/--color", default=True, show_default=True, help="One gray channel, or RGB.")
@click.option("--noise", default=0.01, show_default=True, type=click.FloatRange(0),
              help="Std of the Gaussian noise after the first convolution (training only).")
@click.option("--jpeg-quality", metavar="LO-HI",
              help="Re-encode half the training images as JPEG at a random quality in LO..HI (e.g. 25-90).")
@click.option("--group-by", type=click.Choice(["sample", "file"]), default="sample", show_default=True,
              help="Split whole samples (no leak), or file by file exactly as Keras does.")
@click.option("--workers", type=click.IntRange(0), help="Image loading processes. Default: cores - 1, at most 4.")
@click.option("--device", help="torch device. Default: cuda when present, else cpu.")
@click.option("--json", "as_json", is_flag=True, help="Print model.json's content instead of a table.")
@reports_errors
def train_images(data_dir: Path, model_dir: Path, validation_split: float, seed: int, size: int, epochs: int,
                 batch_size: int, grayscale: bool, noise: float, jpeg_quality: str | None, group_by: str,
                 workers: int | None, device: str | None, as_json: bool) -> None:
    """Train the button-or-link CNN on DATA_DIR (one subfolder per class) and save a model.

    Classes are the subfolder names, sorted. Prints loss and accuracy per epoch, then
    validation accuracy, precision, recall and the confusion matrix. The weights
    saved are those of the epoch with the best validation accuracy, not the last.
    """
    from trainer.images.dataset import parse_quality_range
    from trainer.images.metrics import format_report
    from trainer.images.modeldir import dataset_commit, save_model
    from trainer.images.train import TrainConfig, train

    config = TrainConfig(
        data_dir=data_dir, validation_split=validation_split, seed=seed, size=size, epochs=epochs,
        batch_size=batch_size, grayscale=grayscale, noise=noise, jpeg_quality=parse_quality_range(jpeg_quality),
        group_by=group_by,
        **({"workers": workers} if workers is not None else {}),
        **({"device": device} if device else {}),
    )
    epoch_progress = _EpochProgress(epochs, log=(lambda line: click.echo(line, err=True)) if as_json else click.echo)
    try:
        result = train(config, on_batch=epoch_progress.batch, on_epoch=epoch_progress.epoch)
    finally:
        epoch_progress.close()
    info = save_model(model_dir, result, git_commit=dataset_commit(data_dir))
    if as_json:
        echo_json(info)
        return
    click.echo(f"kept the weights of epoch {result.best_epoch} (best validation accuracy)")
    click.echo(format_report(result.validation))
    click.echo(f"model saved to {model_dir}")


class _EpochProgress:
    """Progress through all epochs' images on stderr (corpus/progress.py: a bar on a terminal,
    plain lines in logs), and each epoch's figures in one line."""

    def __init__(self, epochs: int, log, show: bool = True) -> None:
        self.epochs = epochs
        self.log = log
        self.show = show
        self.stack = ExitStack()
        self.advance = None

    def batch(self, epoch: int, images: int, epoch_size: int) -> None:
        if self.advance is None:  # the split, hence the epoch's size, is known only now
            self.advance = self.stack.enter_context(progress("training on images", self.epochs * epoch_size, self.show))
        self.advance(images)

    def epoch(self, stats) -> None:
        val = "-" if stats.validation_accuracy is None else f"{stats.validation_accuracy:.3f}"
        self.log(f"epoch {stats.epoch}/{self.epochs}  loss {stats.loss:.4f}  accuracy {stats.accuracy:.3f}  "
                 f"val_accuracy {val}")

    def close(self) -> None:
        self.stack.close()


@click.command(name="predict-images")
@click.argument("model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("images", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON list with every class's probability.")
@reports_errors
def predict_images(model_dir: Path, images: tuple[Path, ...], as_json: bool) -> None:
    """Print each IMAGE's class and its probability under the model in MODEL_DIR."""
    from trainer.images.modeldir import load_model
    from trainer.images.predict import predict

    predictions = predict(load_model(model_dir), list(images))
    if as_json:
        echo_json([p.to_dict() for p in predictions])
        return
    for p in predictions:
        click.echo(f"{p.image}\t{p.label}\t{p.probability:.4f}")




@click.command(name="test-images")
@click.argument("model_dir", metavar="MODEL", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("data_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Accuracy, per-class numbers and the confusion matrix as JSON.")
@reports_errors
def test_images(model_dir: Path, data_dir: Path, as_json: bool) -> None:
    """Measure the image classifier in MODEL on DIR (one subfolder per class, as for train-images).

    Prints accuracy, each class's precision, recall and support, and the confusion
    matrix. Use images the model never saw (crops of the testing set).
    """
    from trainer.images.evaluate import test_images as measure
    from trainer.images.metrics import format_report
    from trainer.images.modeldir import load_model
    from trainer.images.split import list_images

    loaded = load_model(model_dir)
    total = len(list_images(data_dir).images)
    with progress("testing images", total, not as_json) as advance:
        result = measure(loaded, data_dir, on_batch=advance)
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(format_report(result, title="test"))
