"""Run the bench scripts and print one table of their figures against their baselines.

    python -m bench [--quick] [--only NAME ...] [--markdown] [--list]

Every bench/NAME.py with a ``rows(quick)`` function is run in turn, in this process (each still
runs on its own as ``python bench/NAME.py``); its details stream by as it measures. Then one
table: each figure, its baseline measured in the same run, the ratio (with its spread over the
rounds, where a script runs several), the goal and whether it is met. ``--quick`` runs the
scripts marked ``IN_QUICK`` at smaller sizes (a few minutes); the others need archives of
20,000 articles, twenty killed crawls or minutes of compression. Exit status 1 when a script
failed to run; a goal missed is a figure in the table, not a failure.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from _rows import Row, print_table, summary, table  # noqa: E402

#: Run first: the figures the issues' goals name most often.
FIRST = ("crawl", "extract", "recrawl")


def scripts() -> list[str]:
    """Names of the bench scripts (bench/NAME.py), the usual ones first."""
    found = sorted(p.stem for p in BENCH.glob("*.py") if not p.stem.startswith("_"))
    return [name for name in FIRST if name in found] + [n for n in found if n not in FIRST]


def load(name: str) -> ModuleType:
    return importlib.import_module(name)


def describe(name: str, module: ModuleType) -> str:
    if not hasattr(module, "rows"):
        return f"{name:18} no rows(): run python bench/{name}.py"
    quick = "quick and full" if getattr(module, "IN_QUICK", False) else "full only"
    first = (module.__doc__ or "").strip().splitlines()[0]
    return f"{name:18} {quick:15} {first}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n")[0] if __doc__ else None
    )
    parser.add_argument(
        "--quick", action="store_true", help="only the quick scripts, at smaller sizes"
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these scripts")
    parser.add_argument("--markdown", action="store_true", help="the table in Markdown")
    parser.add_argument("--list", action="store_true", help="list the scripts and exit")
    args = parser.parse_args(argv)
    names = scripts()
    unknown = sorted(set(args.only or ()) - set(names))
    if unknown:
        parser.error(f"no bench script named {', '.join(unknown)} (there are {', '.join(names)})")
    if args.list:
        for name in names:
            print(describe(name, load(name)))
        return 0
    rows: list[Row] = []
    failed: list[str] = []
    left: list[str] = []
    started = time.monotonic()
    for name in args.only or names:
        module = load(name)
        if not hasattr(module, "rows"):
            left.append(f"{name} (no rows(): run python bench/{name}.py)")
            continue
        if args.quick and not getattr(module, "IN_QUICK", False) and not args.only:
            left.append(f"{name} (not in --quick)")
            continue
        print(f"=== bench/{name}.py", flush=True)
        start = time.monotonic()
        try:
            found = module.rows(quick=args.quick)
        except (Exception, SystemExit) as exc:  # one script's failure is reported, not fatal
            failed.append(f"{name}: {type(exc).__name__}: {str(exc).strip()[:800]}")
        else:
            rows += found
            print_table(found)  # (kept in the log should a later script never end)
        print(f"=== bench/{name}.py: {time.monotonic() - start:.0f} s", flush=True)
    print()
    print(table(rows, markdown=args.markdown))
    print()
    mode = "quick" if args.quick else "full"
    print(f"{summary(rows)} ({mode} run, {time.monotonic() - started:.0f} s)")
    if left:
        print("not run: " + ", ".join(left))
    for failure in failed:
        print(f"FAILED {failure}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
