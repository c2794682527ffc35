"""docs/settings.md: generated from the settings class, every setting in it, and current."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra import settings_doc
from infra.settings import Settings

DOC = Path(__file__).resolve().parents[3] / "docs" / "settings.md"


def test_every_setting_has_a_description() -> None:
    assert [name for name, text in settings_doc.described().items() if not text] == []


def test_every_description_names_a_setting() -> None:
    assert set(settings_doc.DESCRIPTIONS) - set(Settings.model_fields) == set()


def test_every_setting_has_a_row() -> None:
    rows = {line.split("`")[1] for line in settings_doc.render().splitlines() if line.startswith("| `")}
    assert {name.upper() for name in Settings.model_fields} <= rows


def test_the_committed_file_is_current() -> None:
    assert DOC.read_text() == settings_doc.render(), "stale: run `make docs` (python -m infra.settings_doc)"


def test_a_setting_without_text_stops_the_generator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(settings_doc.DESCRIPTIONS, "slot_top_k")
    assert settings_doc.main() == 1
    assert "slot_top_k" in capsys.readouterr().err


def test_defaults_name_no_machine_path() -> None:
    text = settings_doc.render()
    assert str(Path.home()) not in text
    assert str(DOC.parents[1]) not in text
