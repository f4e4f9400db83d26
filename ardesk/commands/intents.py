"""`ardesk classify` and `ardesk intents train|calibrate|eval`: thin wrappers around `intents`.

The model they read and write is the configured folder (`ARDESK_MODEL_DIR`, the shipped model
when unset) unless `--model` / `--output` names another."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

import click

#: Messages understood per model batch when reading JSONL.
_BATCH = 512


def _parse_date(value: str | None, what: str) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise click.ClickException(f"{what}: {value!r} is not an ISO date (YYYY-MM-DD)") from error


def _model_dir(path: Path | None) -> Path:
    """The folder named on the command line, else the configured one, else the shipped one."""
    if path is not None:
        return path
    from core.config import ConfigError, load_settings
    from intents.model import MODEL_DIR

    try:
        return load_settings().model_dir or MODEL_DIR
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def _load_model(path: Path | None) -> tuple[Any, Any]:
    """The model and its thresholds."""
    from intents import model
    from intents.thresholds import load as load_thresholds

    directory = _model_dir(path)
    try:
        return model.load(str(directory)), load_thresholds(str(directory))
    except (FileNotFoundError, OSError, ValueError) as error:
        raise click.ClickException(str(error).splitlines()[0]) from error


@click.command("classify")
@click.argument("text", required=False)
@click.option("--subject", default="", help="Subject line of the message.")
@click.option("--received", default=None, metavar="DATE", help="ISO date received (default today).")
@click.option("--channel", type=click.Choice(["email", "chat"]), default="email")
@click.option(
    "--jsonl",
    "jsonl",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="Read messages (id, subject, body, received, channel) one JSON object a line; "
    "'-' reads standard input.",
)
@click.option(
    "--invoice-pattern",
    "patterns",
    multiple=True,
    metavar="REGEX",
    help="An invoice-number format the account's ERP uses (repeatable).",
)
@click.option(
    "--model",
    "model_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Model directory (default: ARDESK_MODEL_DIR, else the shipped model).",
)
def classify(
    text: str | None,
    subject: str,
    received: str | None,
    channel: str,
    jsonl: IO[str] | None,
    patterns: tuple[str, ...],
    model_path: Path | None,
) -> None:
    """Understand a message: language, intents, references, period, new text (JSON)."""
    from intents import understand

    if (text is None) == (jsonl is None):
        raise click.ClickException("give either TEXT or --jsonl FILE")
    _check_patterns(patterns)
    nlp, thresholds = _load_model(model_path)
    if jsonl is None:
        when = _parse_date(received, "--received")
        result = understand(subject, text or "", when, channel, patterns, nlp, thresholds)
        click.echo(result.to_json())
        return
    for line in _classify_lines(jsonl, patterns, (nlp, thresholds)):
        click.echo(json.dumps(line, ensure_ascii=False))


def _check_patterns(patterns: tuple[str, ...]) -> None:
    import re

    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise click.ClickException(f"--invoice-pattern {pattern!r}: {error}") from error


def _classify_lines(
    stream: IO[str], patterns: tuple[str, ...], model: tuple[Any, Any]
) -> Iterator[dict[str, Any]]:
    """One output object per input line, in order; bad lines report and the run goes on."""
    pending: list[tuple[int, Any, Any]] = []
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            identifier, message = _message_from_line(raw, patterns)
        except ValueError as error:
            yield from _flush(pending, model)
            pending = []
            yield {"line": number, "error": str(error)}
            continue
        pending.append((number, identifier, message))
        if len(pending) >= _BATCH:
            yield from _flush(pending, model)
            pending = []
    yield from _flush(pending, model)


def _message_from_line(raw: str, patterns: tuple[str, ...]) -> tuple[Any, Any]:
    from intents import Message

    try:
        row = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"invalid JSON: {error.msg} at column {error.colno}") from error
    if not isinstance(row, dict):
        raise ValueError("expected a JSON object")
    received = row.get("received")
    try:
        when = date.fromisoformat(received) if received else date.today()
    except (TypeError, ValueError) as error:
        raise ValueError(f"received: {received!r} is not an ISO date") from error
    channel = row.get("channel") or "email"
    message = Message(
        subject=str(row.get("subject") or ""),
        body=str(row.get("body") or row.get("text") or ""),
        received=when,
        channel=str(channel),
        invoice_patterns=patterns,
    )
    return row.get("id"), message


def _flush(pending: list[tuple[int, Any, Any]], model: tuple[Any, Any]) -> Iterator[dict[str, Any]]:
    from intents import understand_many

    if not pending:
        return
    nlp, thresholds = model
    try:
        results = understand_many(
            [message for _, _, message in pending], nlp=nlp, thresholds=thresholds
        )
    except Exception:  # one message must not cost the batch: retried one by one below
        results = None
    for index, (number, identifier, message) in enumerate(pending):
        if results is not None:
            yield {"id": identifier, **results[index].to_dict()}
            continue
        try:
            (result,) = understand_many([message], nlp=nlp, thresholds=thresholds)
        except Exception as error:  # reported on its line; the run goes on
            yield {
                "line": number,
                "id": identifier,
                "error": f"not understood: {type(error).__name__}",
            }
        else:
            yield {"id": identifier, **result.to_dict()}


@click.group("intents")
def intents_group() -> None:
    """Train and evaluate the request-understanding model."""


def _corrections_option(help_text: str) -> Any:
    return click.option(
        "--corrections",
        "corrections_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help=help_text,
    )


@intents_group.command("train")
@click.option(
    "--seed", default=7, show_default=True, help="Random seed (training is reproducible)."
)
@click.option("--epochs", default=12, show_default=True, type=click.IntRange(1, 100))
@_corrections_option("Also train on AR's corrections (`ardesk corrections export`, JSONL).")
@click.option(
    "--correction-weight",
    default=None,
    type=click.IntRange(1, 50),
    help="How many times each correction counts.  [default: 5]",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write the model (default: ARDESK_MODEL_DIR, else the shipped model).",
)
def train_command(
    seed: int,
    epochs: int,
    corrections_file: Path | None,
    correction_weight: int | None,
    output: Path | None,
) -> None:
    """Train the intent model from intents/data (and corrections); workers reload it."""
    from intents.corrections import DEFAULT_WEIGHT, merge
    from intents.data.generate import training_examples
    from intents.model import load
    from intents.train import train

    examples = None
    trained: tuple[str, ...] = ()
    weight = correction_weight or DEFAULT_WEIGHT
    if corrections_file is not None:
        merged = merge(training_examples(seed), _read_jsonl(corrections_file), weight)
        examples, trained = merged.rows, merged.trained
        click.echo(
            f"corrections: {merged.read} read, {merged.unusable} unusable, {merged.superseded} "
            f"superseded by a later one, {len(merged.trained)} trained on ×{weight}; "
            f"{merged.replaced} corpus examples reading the same dropped"
        )
    report = train(
        output=_model_dir(output),
        seed=seed,
        epochs=epochs,
        examples=examples,
        corrections=trained,
        correction_weight=weight if trained else 0,
    )
    load.cache_clear()
    click.echo(
        f"trained on {report.examples} examples, {report.epochs} epochs, "
        f"final loss {report.final_loss:.4f}; saved to {report.output}"
    )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    from intents.evaluate import load_jsonl

    try:
        rows = load_jsonl(path)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path}: not JSONL ({error})") from error
    if not all(isinstance(row, dict) for row in rows):
        raise click.ClickException(f"{path}: every line must be a JSON object")
    return rows


@intents_group.command("calibrate")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None)
def calibrate_command(paths: tuple[Path, ...], model_path: Path | None) -> None:
    """Choose the per-intent thresholds on labelled JSONL files; write them beside the model.

    Never give it the set you report held-out figures on."""
    from intents.evaluate import calibrate_on
    from intents.thresholds import save

    nlp, _ = _load_model(model_path)
    rows = [row for path in paths for row in _read_jsonl(path)]
    thresholds = calibrate_on(rows, nlp=nlp)
    written = save(thresholds, _model_dir(model_path))
    click.echo(f"calibrated on {len(rows)} messages; wrote {written}")


@intents_group.command("eval")
@click.argument(
    "path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@_corrections_option("Report accuracy on AR's corrections by month instead.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--errors", is_flag=True, help="Also list the messages scored wrong (ids only).")
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None)
def eval_command(
    path: Path | None,
    corrections_file: Path | None,
    as_json: bool,
    errors: bool,
    model_path: Path | None,
) -> None:
    """Score the model on a labelled JSONL file (corpus format), or on corrections over time."""
    from intents.evaluate import evaluate, format_report

    if (path is None) == (corrections_file is None):
        raise click.ClickException("give either PATH or --corrections FILE")
    nlp, thresholds = _load_model(model_path)
    if corrections_file is not None:
        _eval_corrections(corrections_file, nlp, thresholds, _model_dir(model_path), as_json)
        return
    assert path is not None
    report = evaluate(_read_jsonl(path), nlp=nlp, thresholds=thresholds)
    if as_json:
        data = report.to_dict()
        if not errors:
            data.pop("errors")
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(format_report(report))
    if errors:
        for error in report.errors:
            click.echo(json.dumps(error, ensure_ascii=False), file=sys.stdout)


def _eval_corrections(path: Path, nlp: Any, thresholds: Any, directory: Path, as_json: bool):
    from dataclasses import asdict

    from intents import understand_many
    from intents.corrections import format_over_time, latest_per_request, over_time, parse
    from intents.model import Manifest

    corrections, unusable = parse(_read_jsonl(path))
    corrections = latest_per_request(corrections)
    predictions = understand_many([c.message for c in corrections], nlp=nlp, thresholds=thresholds)
    manifest = Manifest.read(directory)
    trained = frozenset(manifest.corrections if manifest else ())
    periods = over_time(corrections, predictions, trained)
    if as_json:
        click.echo(json.dumps({"periods": [asdict(p) for p in periods], "unusable": unusable}))
        return
    click.echo(format_over_time(periods))
    if unusable:
        click.echo(f"({unusable} rows without text or with unknown intents left out)")
