"""The intent model this process answers with: the configured folder (``ARDESK_MODEL_DIR``, else
the model shipped in ``intents/model``) and the thresholds beside it, loaded on first use and
replaced by a newer one between messages, without a restart (``refresh``; the worker asks its
decision process to, ``bot.decider``).

A new model is loaded in full and proven to answer (``intents.model.load_checked``) before it
replaces the one in use, so a message is never read by half a model. One that fails is refused
with one log line, the one in use is kept, and that version of the folder is not tried again.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from core.config import Settings
from intents import model
from intents.thresholds import Thresholds
from intents.thresholds import read as read_thresholds

log = logging.getLogger(__name__)

Version = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Active:
    directory: Path
    version: Version
    nlp: Language
    thresholds: Thresholds


class Refresh(enum.StrEnum):
    unchanged = "unchanged"
    loaded = "loaded"
    refused = "refused"


_active: Active | None = None
_refused: tuple[Path, Version] | None = None


def directory(settings: Settings) -> Path:
    return settings.model_dir or model.MODEL_DIR


def version(settings: Settings) -> Version:
    return model.version(directory(settings))


def active(settings: Settings) -> Active:
    """The model in use, loaded on first use (raises ValueError when there is none usable)."""
    if _active is None or _active.directory != directory(settings):
        refresh(settings)
    assert _active is not None
    return _active


def refresh(settings: Settings) -> Refresh:
    """Load the folder's model if it changed since the one in use was loaded."""
    global _active, _refused
    folder = directory(settings)
    seen = model.version(folder)
    current = _active is not None and _active.directory == folder
    if current and (_active.version == seen or _refused == (folder, seen)):  # type: ignore[union-attr]
        return Refresh.unchanged
    try:
        nlp = model.load_checked(folder)
        thresholds = read_thresholds(folder)
    except (ValueError, OSError) as error:
        if _active is None or _active.directory != folder:
            raise ValueError(str(error)) from None  # nothing to keep: understanding fails
        log.warning("intent model refused, the one in use is kept: %s", error)
        _refused = (folder, seen)
        return Refresh.refused
    if model.version(folder) != seen:
        return Refresh.unchanged  # written to while loading: the next check loads it whole
    _active = Active(folder, seen, nlp, thresholds)
    log.info("intent model loaded from %s", folder)
    return Refresh.loaded
