"""The README's Python snippets run as written, each as a script in a folder where
`newsbot demo` has left its archive (archive/demo.db), as a reader would paste them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
SNIPPETS = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)


def test_the_readme_has_python_snippets() -> None:
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("number", range(len(SNIPPETS)))
def test_readme_snippet_runs_as_written(number: int, crawled: Path, tmp_path: Path) -> None:
    (tmp_path / "archive").mkdir()
    shutil.copy(crawled, tmp_path / "archive" / "demo.db")
    script = tmp_path / "snippet.py"
    script.write_text(SNIPPETS[number], encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"snippet {number} failed:\n{SNIPPETS[number]}\n{done.stderr}"
    # Every snippet prints what it found: a snippet printing nothing shows nothing to a reader.
    assert done.stdout.strip(), f"snippet {number} printed nothing:\n{SNIPPETS[number]}"
    assert "Traceback" not in done.stderr
