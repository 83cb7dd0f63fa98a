"""Graded exercises: instant bilingual feedback (``check``) and a gradebook (the CLI).

    from d2lmini.grading import check, hint
    check("9.3-perplexity", perplexity)      # runs the public cases, shows a table
    hint("9.3-perplexity")                   # the next of the exercise's hints

    python -m d2lmini.grading list --json
    python -m d2lmini.grading grade SUBMISSIONS_DIR --out gradebook.csv --jobs 2
    python -m d2lmini.grading grade SUBMISSIONS_DIR --cases PRIVATE_CASES.json
    python -m d2lmini.grading grade SUBMISSIONS_DIR --hints   # count the hints used
    python -m d2lmini.grading solutions OUTDIR

Importing this package does not import the reference implementations
(``d2lmini.grading.exercises``): the process that runs a submission never holds them.
"""

import html
import os

from .. import bilingual
from .messages import msg

__all__ = ["EXERCISES", "CheckReport", "HintReport", "check", "exercise_list", "hint"]

#: seconds a single public case may run in ``check`` before it is stopped
CASE_SECONDS = 5.0


def __getattr__(name):
    """``EXERCISES`` and ``BY_ID``, imported on first use."""
    if name in ("EXERCISES", "BY_ID"):
        from . import exercises as module

        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def exercise_list(chapter=None):
    """``list --json``'s objects, for every exercise or one chapter's."""
    from .exercises import EXERCISES, for_chapter

    return [ex.info() for ex in (for_chapter(chapter) if chapter else EXERCISES)]


class CheckReport:
    """What ``check`` returns: an HTML table in
    Jupyter (``_repr_html_``), text elsewhere."""

    def __init__(self, exercise_id, function_name, points, cases, note=None):
        self.exercise_id = exercise_id
        self.function_name = function_name
        self.points = points
        self.cases = cases  # list of runner.CaseResult
        self.note = note  # (ko, en): a problem that stopped the check

    @property
    def explanation(self):
        """``(ko, en)`` that explains the answer, after a wrong result (else None)."""
        from .hints import EXPLAIN

        wrong = any(c.kind in ("mismatch", "wrong_type") for c in self.cases)
        return EXPLAIN.get(self.exercise_id) if wrong else None

    @property
    def score(self):
        from .runner import fractional_score

        return fractional_score(self.points, self.cases)

    def _lines(self):
        score_ko, score_en = msg("score", score=f"{self.score:g}", points=self.points)
        head = (
            f"{self.exercise_id} · {self.function_name}",
            bilingual.text(score_ko, score_en),
        )
        rows = [
            (("✓" if c.ok else "✗"), c.name, bilingual.text(c.ko, c.en))
            for c in self.cases
        ]
        foot = msg("more_cases")
        return head, rows, foot

    def __repr__(self):
        head, rows, foot = self._lines()
        out = list(head)
        if self.note:
            out.append(f"  {bilingual.text(*self.note)}")
        width = max((len(name) for _, name, _ in rows), default=0)
        out += [f"  {mark} {name.ljust(width)}  {text}" for mark, name, text in rows]
        if self.explanation:
            why_ko, why_en = msg("why")
            out += [
                f"{why_ko} {self.explanation[0]}",
                f"{why_en} {self.explanation[1]}",
            ]
        out += [foot[0], f"· {foot[1]}"]
        from .hints import HINTS

        if self.exercise_id in HINTS:
            out += [bilingual.text(*msg("hint_call", id=self.exercise_id))]
        return "\n".join(out)

    __str__ = __repr__

    def _repr_html_(self):
        head, rows, foot = self._lines()
        e = html.escape
        cells = "".join(
            f'<tr><td style="color:{"#1a7f37" if mark == "✓" else "#cf222e"};'
            f'font-weight:bold;text-align:center">{mark}</td>'
            f'<td style="text-align:left">{e(name)}</td>'
            f'<td style="text-align:left">{e(text)}</td></tr>'
            for mark, name, text in rows
        )
        note = (
            f'<p style="margin:0.3em 0">{bilingual.text(*map(e, self.note))}</p>'
            if self.note
            else ""
        )
        case, result = bilingual.text(*msg("case")), bilingual.text(*msg("result"))
        table = (
            f'<table><thead><tr><th></th><th style="text-align:left">'
            f'{e(case)}</th><th style="text-align:left">{e(result)}'
            f"</th></tr></thead><tbody>{cells}</tbody></table>"
            if rows
            else ""
        )
        why = ""
        if self.explanation:
            why_ko, why_en = msg("why")
            why = _bilingual_html(
                f"<b>{e(why_ko)}</b> {e(self.explanation[0])}",
                f"<b>{e(why_en)}</b> {e(self.explanation[1])}",
            )
        return (
            f'<div class="d2lmini-check"><p style="margin:0.3em 0"><b>{e(head[0])}</b>'
            f" — {e(head[1])}</p>{note}{table}{why}"
            f'<p style="margin:0.3em 0"><i>{bilingual.text(*map(e, foot))}</i></p>'
            f"{hints_html(self.exercise_id)}</div>"
        )


def _bilingual_html(ko_html, en_html):
    """Korean then English paragraphs; the book shows the reader's language
    (classes lang-ko / lang-en), a notebook both."""
    return bilingual.html(
        ko_html, en_html, tag="p", escape=False, style="margin:0.3em 0"
    )


def hints_html(exercise_id):
    """The exercise's hints as nested ``<details>``, one per hint, each closed: they
    open with a click in Jupyter and in the static book alike ("" without hints)."""
    from .hints import HINTS

    hints = HINTS.get(exercise_id)
    if not hints:
        return ""
    e = html.escape
    title_ko, title_en = msg("hints_title", count=len(hints))
    inner = "".join(
        f'<details style="margin:0.2em 0 0.2em 1em"><summary>'
        f"{bilingual.html(*msg('hint_number', n=n, total=len(hints)))}</summary>"
        f"{_bilingual_html(e(ko), e(en))}</details>"
        for n, (ko, en) in enumerate(hints, 1)
    )
    return (
        f'<details class="d2lmini-hints" style="margin:0.3em 0"><summary>'
        f"{bilingual.html(title_ko, title_en)}</summary>{inner}</details>"
    )


class HintReport:
    """What ``hint`` returns: one hint, numbered ``n/total``."""

    def __init__(self, exercise_id, n, total, text, note=None):
        self.exercise_id, self.n, self.total = exercise_id, n, total
        self.text = text  # (ko, en)
        self.note = note  # (ko, en): an unknown id, or every hint already shown

    def _head(self):
        number = msg("hint_number", n=self.n, total=self.total)
        return f"{self.exercise_id} · {bilingual.text(*number)}"

    def __repr__(self):
        if self.text is None:
            return bilingual.text(*self.note)
        out = [self._head(), self.text[0], self.text[1]]
        if self.note:
            out.append(f"({bilingual.text(*self.note)})")
        return "\n".join(out)

    __str__ = __repr__

    def _repr_html_(self):
        e = html.escape
        if self.text is None:
            return f"<p>{bilingual.text(*map(e, self.note))}</p>"
        note = (
            _bilingual_html(f"<i>{e(self.note[0])}</i>", f"<i>{e(self.note[1])}</i>")
            if self.note
            else ""
        )
        return (
            f'<div class="d2lmini-hint"><p style="margin:0.3em 0"><b>'
            f"{e(self._head())}</b></p>"
            f"{_bilingual_html(e(self.text[0]), e(self.text[1]))}{note}</div>"
        )


#: exercise id -> how many of its hints this kernel has shown
_HINTS_SHOWN = {}


def hint(exercise_id, n=None):
    """The next hint of ``exercise_id`` (or hint number ``n``), in both languages.

    The hints go from a nudge to nearly the method, never the code. Each call shows one
    more; after the last, the last again. The notebook keeps the output, and an
    instructor may count the hints a notebook shows (``grade --hints``), never their
    text. Inside the grader (``D2LMINI_GRADING=1``) it does nothing.

    Used in every section's exercises (``exercises/9_N_*.md``).
    """
    if os.environ.get("D2LMINI_GRADING") == "1":
        return None
    from .hints import HINTS

    hints = HINTS.get(exercise_id)
    if not hints:
        known = ", ".join(HINTS)
        note = msg("unknown_exercise", name=repr(exercise_id), known=known)
        return HintReport(str(exercise_id), 0, 0, None, note)
    total = len(hints)
    if n is None:
        n = _HINTS_SHOWN.get(exercise_id, 0) + 1
    note = msg("last_hint") if n > total else None
    n = min(max(int(n), 1), total)
    _HINTS_SHOWN[exercise_id] = max(_HINTS_SHOWN.get(exercise_id, 0), n)
    return HintReport(exercise_id, n, total, hints[n - 1], note)


def check(exercise_id, fn, timeout=CASE_SECONDS):
    """Run the public cases of ``exercise_id`` against ``fn`` and return a report.

    Never raises (except when you interrupt the kernel): a wrong id, a function that is
    not callable, an unimplemented stub, an exception or a case that runs too long all
    show up in the report. Inside the grader (``D2LMINI_GRADING=1``) it does nothing.

    Used in every section's exercises (``exercises/9_N_*.md``).
    """
    if os.environ.get("D2LMINI_GRADING") == "1":
        return None
    from .exercises import BY_ID
    from .runner import run_exercise

    ex = BY_ID.get(exercise_id)
    if ex is None:
        known = ", ".join(BY_ID)
        return CheckReport(
            str(exercise_id),
            getattr(fn, "__name__", "?"),
            0,
            [],
            msg("unknown_exercise", name=repr(exercise_id), known=known),
        )
    if not callable(fn):
        return CheckReport(
            ex.id,
            ex.function,
            ex.points,
            [],
            msg("not_callable", name=type(fn).__name__),
        )
    try:
        result = run_exercise(fn, ex, ex.cases, timeout)
    except KeyboardInterrupt:
        raise
    except BaseException as err:  # noqa: BLE001 — a checker bug must not crash the notebook
        from .runner import one_line

        return CheckReport(
            ex.id, ex.function, ex.points, [], msg("raised", error=one_line(err))
        )
    if result.kinds() == {"not_implemented"}:  # a stub: one line, no table of failures
        return CheckReport(ex.id, ex.function, ex.points, [], msg("not_implemented"))
    return CheckReport(ex.id, ex.function, ex.points, result.cases)
