"""spans.resolve: the overlap policy, checked against a plain statement of it (every span compared
with every span kept before it), and its time at n and 8n spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.spans import Span, resolve
from shapes import growth


def _priority(s: Span) -> tuple[int, float, int, int]:
    return (s.end - s.start, s.score, int(s.edits), -s.start)


def reference(spans: list[Span]) -> tuple[list[Span], list[Span]]:
    """The policy of ``resolve`` as first written: by priority, each span against all kept ones."""
    kept: list[Span] = []
    dropped: list[Span] = []
    taken: list[tuple[int, int]] = []
    for s in sorted((s for s in spans if s.edits), key=_priority, reverse=True):
        if any(s.start < e and b < s.end for b, e in taken) or (
                s.start == s.end and any(b <= s.start < e for b, e in taken)):
            dropped.append(s)
            if s.action != "remove":
                continue
            pieces, pos = [], s.start
            for b, e in sorted((max(b, s.start), min(e, s.end)) for b, e in taken if b < s.end and s.start < e):
                if b > pos:
                    pieces.append((pos, b))
                pos = max(pos, e)
            if pos < s.end:
                pieces.append((pos, s.end))
            if not pieces:
                continue
            b, e = max(pieces, key=lambda p: p[1] - p[0])
            s = s.with_(start=b, end=e, text=s.text[b - s.start:e - s.start], edit_start=b, edit_end=e)
        taken.append((s.start, s.end))
        kept.append(s)
    mine: dict[str, list[tuple[int, int]]] = {}
    for s in sorted((s for s in spans if not s.edits), key=_priority, reverse=True):
        own = mine.setdefault(s.rule, [])
        if any(s.start < e and b < s.end for b, e in taken + own):
            dropped.append(s)
            continue
        own.append((s.start, s.end))
        kept.append(s)
    return sorted(kept, key=lambda s: (s.start, s.end)), sorted(dropped, key=lambda s: (s.start, s.end))


TEXT = "abcdefghijklmnopqrstuvwxyz" * 2


@st.composite
def span_lists(draw: st.DrawFn) -> list[Span]:
    out = []
    for _ in range(draw(st.integers(0, 14))):
        start = draw(st.integers(0, 30))
        end = draw(st.integers(start, min(start + 12, len(TEXT))))
        action = draw(st.sampled_from(["remove", "replace", "flag"]))
        out.append(Span(draw(st.sampled_from(["spam", "typo"])), draw(st.sampled_from(["r.a", "r.b", "r.c"])), 1,
                        start, end, TEXT[start:end], action, "" if action == "remove" else "x",
                        score=draw(st.sampled_from([0.5, 0.9, 1.0]))))
    return out


@settings(max_examples=1000, deadline=None)
@given(span_lists())
def test_resolve_follows_the_policy_as_first_written(spans):
    assert resolve(spans) == reference(spans)


def test_resolve_time_grows_with_the_number_of_spans_not_its_square():
    def spans(n: int) -> list[Span]:
        # one-character removals, each overlapped by a flag, and a run of chained overlaps
        out = [Span("encoding", "r.x", 1, i, i + 1, "x", "remove", "") for i in range(0, 2 * n, 2)]
        out += [Span("typo", "r.t", 1, i, i + 2, "xx", "flag") for i in range(0, 2 * n, 2)]
        out += [Span("spam", "r.c", 1, i, i + 3, "xxx", "remove", "") for i in range(2 * n, 3 * n)]
        return out

    assert growth(resolve, spans, 500) < 24


_CHANGES = st.fixed_dictionaries({}, optional={
    "start": st.integers(0, 50), "end": st.integers(0, 50), "action": st.sampled_from(["remove", "replace", "flag"]),
    "replacement": st.one_of(st.none(), st.text(max_size=3)), "score": st.floats(0, 1),
    "edit_start": st.integers(-1, 50), "edit_end": st.integers(-1, 50),
    "detail": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    "locator": st.one_of(st.none(), st.text(max_size=3))})


@given(_CHANGES)
def test_a_copy_with_changes_equals_the_dataclass_replace_of_it(changes):
    """Span.with_ sets the slots itself (it is made once per edit): the same as dataclasses.replace."""
    from dataclasses import replace

    span = Span("spam", "spam.x", 2, 3, 9, "abcdef", "remove", "", ("s",), 0.7, "m", 1, 11, "p", {"k": 1})
    assert span.with_(**changes) == replace(span, **changes)
    assert span.with_(**changes).edit_start == replace(span, **changes).edit_start >= 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 6)), max_size=12), st.integers(0, 70), st.integers(0, 8))
def test_taken_ranges_answer_as_a_scan_of_them_does(pieces, start, length):
    """resolve's look-ups of what it kept (bisection) against a scan of every kept range."""
    from cleaner.spans import _Taken

    ranges: list[tuple[int, int]] = []
    for b, n in pieces:  # disjoint ranges, an empty one at most touching another (as resolve keeps them)
        e = b + n
        if not any((b < e2 and b2 < e) or b2 < b < e2 or b < b2 < e for b2, e2 in ranges):
            ranges.append((b, e))
    taken = _Taken(ranges)
    end = start + length
    assert taken.overlaps(start, end) == any(start < e and b < end for b, e in ranges)
    assert taken.holds(start) == any(b <= start < e for b, e in ranges)
    assert taken.covers(start, end) == any(b <= start and end <= e and start < e for b, e in ranges)
