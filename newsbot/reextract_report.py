"""What a re-extraction (or a WARC import's extraction) changed: counts per outcome, per field
how many articles changed, a few examples with the field before and after (``newsbot reextract
--report FILE``)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from newsbot.archive.reextraction import Applied
from newsbot.items import Reextracted

#: Examples kept per changed field in the report.
EXAMPLES = 3
#: Characters of a field's value shown in an example (around the first difference).
EXAMPLE_CHARS = 160

#: The report's counts, in the order they are shown, with their words.
OUTCOMES = {
    "unchanged": "unchanged",
    "changed": "changed",
    "new": "new articles",
    "no_longer": "no longer articles",
    "failed": "failed",
    "not_article": "still not articles",
    "live_blog": "live blogs",
    "fresh": "already extracted by this version",
}


@dataclass
class Report:
    """What a re-extraction found: counts per outcome, per field how many articles changed,
    and the first few examples of each field's change (before and after), in capture order."""

    counts: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def add(self, new: Reextracted, applied: Applied) -> None:
        self.counts[applied.change] += 1
        if applied.change == "failed" and len(self.failures) < EXAMPLES:
            self.failures.append({"url": new.url, "reason": new.reason or ""})
        if applied.change != "changed" or applied.before is None or applied.after is None:
            return
        for name in applied.fields:
            self.fields[name] += 1
            kept = self.examples.setdefault(name, [])
            if len(kept) < EXAMPLES:
                before, after = getattr(applied.before, name), getattr(applied.after, name)
                kept.append({"url": new.url, **_example(before, after)})

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": {name: self.counts.get(name, 0) for name in OUTCOMES},
            "fields": dict(self.fields.most_common()),
            "examples": self.examples,
            "failures": self.failures,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Report:
        data = data or {}
        return cls(
            Counter({k: v for k, v in data.get("counts", {}).items() if v}),
            Counter(data.get("fields", {})),
            dict(data.get("examples", {})),
            list(data.get("failures", [])),
        )

    def lines(self) -> list[str]:
        """The report for people: counts, then changed fields with an example each."""
        shown = [f"{self.counts[n]:,} {words}" for n, words in OUTCOMES.items() if self.counts[n]]
        out = [" · ".join(shown) or "nothing to re-extract"]
        if self.fields:
            out.append(
                "changed fields: "
                + ", ".join(f"{name} {count:,}" for name, count in self.fields.most_common())
            )
        for name, _ in self.fields.most_common():
            example = self.examples[name][0]
            out.append(f"  {name} of {example['url']}:")
            out.append(f"    before: {_one_line(example['before'])}")
            out.append(f"    after:  {_one_line(example['after'])}")
        for failure in self.failures:
            out.append(f"  failed: {failure['url']}: {failure['reason']}")
        return out


def _example(before: Any, after: Any) -> dict[str, Any]:
    """A field's before and after as JSON values, long texts cut around their first difference."""
    if isinstance(before, str) and isinstance(after, str):
        return dict(zip(("before", "after"), _around_difference(before, after), strict=True))
    if isinstance(before, list) or isinstance(after, list):
        return {"before": _plain(before), "after": _plain(after)}
    return {"before": before, "after": after}


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [asdict(v) if hasattr(v, "__dataclass_fields__") else v for v in value]
    return value


def _around_difference(before: str, after: str) -> tuple[str, str]:
    if len(before) <= EXAMPLE_CHARS and len(after) <= EXAMPLE_CHARS:
        return before, after
    start = next(
        (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
        min(len(before), len(after)),
    )
    start = max(0, start - EXAMPLE_CHARS // 4)

    def cut(text: str) -> str:
        piece = text[start : start + EXAMPLE_CHARS]
        return ("…" if start else "") + piece + ("…" if start + EXAMPLE_CHARS < len(text) else "")

    return cut(before), cut(after)


def _one_line(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return " ".join(text.split()) or "(empty)"
