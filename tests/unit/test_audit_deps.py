"""`.ci/audit-deps` (run by `make test`) fails on a vulnerability and only warns when it could not audit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit-deps"


def _fake_pip_audit(tmp_path: Path, dependencies: list[dict[str, object]]) -> Path:
    """A stand-in pip-audit that writes the given report where `--output` says, as the real one does."""
    fake = tmp_path / "pip-audit"
    report = json.dumps({"dependencies": dependencies, "fixes": []})
    fake.write_text(f"#!{sys.executable}\nimport sys\nout = sys.argv[sys.argv.index('--output') + 1]\n"
                    f"open(out, 'w').write({report!r})\n")  # fmt: skip
    fake.chmod(0o755)
    return fake


def _run(fake: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), str(fake)], capture_output=True, text=True, timeout=60)


def test_a_known_vulnerability_fails_with_its_id(tmp_path: Path) -> None:
    vuln = {"id": "PYSEC-0000-1", "fix_versions": ["2.0"]}
    done = _run(_fake_pip_audit(tmp_path, [{"name": "left-pad", "version": "1.0", "vulns": [vuln]}]))
    assert done.returncode == 1
    assert "VULNERABLE left-pad 1.0: PYSEC-0000-1 (fixed in: 2.0)" in done.stderr


def test_a_source_that_answers_for_nothing_is_a_loud_warning_not_a_failure(tmp_path: Path) -> None:
    skipped = [{"name": "left-pad", "version": "1.0", "skip_reason": "Dependency not found on PyPI"},
               {"name": "unforgotten", "skip_reason": "distribution marked as editable"}]  # fmt: skip
    done = _run(_fake_pip_audit(tmp_path, skipped))
    assert done.returncode == 0
    assert "DEPENDENCY AUDIT NOT DONE: the advisory source answered for none of the 1 packages" in done.stderr


def test_a_clean_audit_passes_quietly(tmp_path: Path) -> None:
    done = _run(_fake_pip_audit(tmp_path, [{"name": "left-pad", "version": "1.0", "vulns": []}]))
    assert done.returncode == 0 and "NOT DONE" not in done.stderr
    assert "1 packages audited, no known vulnerabilities" in done.stdout
