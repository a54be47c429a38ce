"""The command line speaks the reader's language (issue 12): messages, table headings, stored words, counts and the
kind of an error are translated; the service's own words and every command and id stay as written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "lists"


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("UNFORGOTTEN_") and k != "LANGUAGE"}
    return subprocess.run([sys.executable, "-m", "unforgotten", *args], cwd=cwd, env={**base, **env},
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_a_ukrainian_locale_reads_ukrainian_and_lang_en_keeps_scripts_english(tmp_path: Path) -> None:
    assert run("init", cwd=tmp_path).returncode == 0
    added = run("party", "add", "RU", "--name", "Russian Federation", cwd=tmp_path, LANG="uk_UA.UTF-8")
    assert added.returncode == 0 and "сторону RU (Russian Federation) додано як: сторона" in added.stdout, added.stdout
    custody = EXAMPLES / "ru_custody.csv"
    uk = run("import", str(custody), "--party", "RU", "--kind", "custody", cwd=tmp_path, LANG="uk_UA.UTF-8")
    assert uk.returncode == 0, uk.stderr
    assert "рядків" in uk.stdout and "прийнято" in uk.stdout, uk.stdout
    assert "база даних:" in uk.stderr  # the line naming the database
    english = run("--lang", "en", "findings", "1", cwd=tmp_path, LANG="uk_UA.UTF-8")
    assert english.returncode == 0 and ("no findings" in english.stdout or "sheet" in english.stdout), english.stdout
    assert "зауваж" not in english.stdout and "аркуш" not in english.stdout


def test_an_error_names_its_kind_in_russian_and_keeps_its_exit_code(tmp_path: Path) -> None:
    assert run("init", cwd=tmp_path).returncode == 0
    missing = run("list", "share", "999", "--with", "ICRC", cwd=tmp_path, UNFORGOTTEN_LANG="ru")
    assert missing.returncode == 4, missing.stderr
    assert "ошибка (Не найдено):" in missing.stderr, missing.stderr
    english = run("list", "share", "999", "--with", "ICRC", cwd=tmp_path, LANG="C.UTF-8")
    assert english.returncode == 4 and english.stderr.splitlines()[-1].startswith("error: "), english.stderr
