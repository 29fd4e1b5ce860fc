"""The recorded floor of ``newsbot eval --check``: each folder's ``floor.json``, the scores
its evaluation must not fall below (counts of failures: rise above). ``--raise-floor`` only
ever raises it."""

from __future__ import annotations

import json
from pathlib import Path

from newsbot.evaluate_runs import EvalError

FLOOR_FILE = "floor.json"
#: Floor scores where lower is better.
LOWER_IS_BETTER = frozenset({"leaks", "real:refused"})


def below_floor(scores: dict[str, float], floor: dict[str, float]) -> list[str]:
    """The scores that fell below the floor (counts of failures: rose above it), and those the
    floor names but the evaluation no longer gives (a renamed field must not drop its floor
    silently), as readable lines."""
    out = []
    for key, minimum in floor.items():
        value = scores.get(key)
        if value is None:
            out.append(f"{key}: not scored any more (floor {minimum})")
            continue
        worse = value > minimum if key in LOWER_IS_BETTER else value < minimum
        if worse:
            out.append(f"{key}: {value} (floor {minimum})")
    return out


def raised_floor(scores: dict[str, float], floor: dict[str, float]) -> dict[str, float]:
    """The floor raised to ``scores`` wherever they are better; never lowered."""
    out = dict(floor)
    for key, value in scores.items():
        if key not in out:
            out[key] = value
        elif key in LOWER_IS_BETTER:
            out[key] = min(out[key], value)
        else:
            out[key] = max(out[key], value)
    return out


def read_floor(folder: Path) -> dict[str, float]:
    """The folder's recorded floor ({} when none is recorded)."""
    path = folder / FLOOR_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvalError(f"{path}: unreadable ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(v, int | float) for v in data.values()):
        raise EvalError(f"{path}: not an object of scores")
    return data


def write_floor(folder: Path, floor: dict[str, float]) -> None:
    text = json.dumps(dict(sorted(floor.items())), indent=2, ensure_ascii=False)
    (folder / FLOOR_FILE).write_text(text + "\n", encoding="utf-8")
