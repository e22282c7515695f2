"""Exercise machinery shared by every chapter: the :class:`Exercise` type, the registry,
:func:`check`, :func:`hint` and :func:`solution`.

This package imports no chapter module. Each chapter's exercises live in their own module,
``course_utils/exercises/chNN.py``, and a chapter's notebook imports only that module::

    from course_utils.exercises import ch07 as exercises

    exercises.check("07.projection_shape", answer)   # feedback, printed
    exercises.hint("07.projection_shape")            # the next hint
    exercises.solution("07.projection_shape")        # the worked solution, with its reasoning

so editing chapter 7's exercises re-executes chapter 7 alone (``course_utils.tooling.freshness``
follows the notebook's static imports: this file plus ``ch07.py``).

Adding an exercise to a chapter (for chapter authors)
-----------------------------------------------------
1. **Id.** ``"NN.short_name"``: the chapter number, a dot, a few words in snake case. The
   chapter module refuses ids of other chapters.
2. **Register it** in ``course_utils/exercises/chNN.py`` with ``chapter.add(Exercise(...))``:

   * ``task``: the question in one or two sentences (the notebook's markdown asks it too);
   * ``checker``: ``answer -> (passed, message)``. Use :func:`expect_number` (numbers, with
     ``known_mistakes`` mapping each plausible wrong answer to advice that names the mistake),
     :func:`expect_whole_number` (counts and sizes: non-integers are refused),
     :func:`expect_statements` (several independent true/false statements: never a single
     letter, which can be found by trying letters), or a function of your own. A checker never
     raises on a wrong answer; the machinery turns an exception into feedback and explains a
     ``...`` stub or a stub function (body ``...``) before calling the checker;
   * ``hints``: two or three, from a nudge to nearly the method; the last hint must not
     state the answer (that is what ``solution`` is for);
   * ``solution``: runnable code that produces the answer: it assigns ``answer``, or defines
     the function named by ``answer_name`` for a coding exercise;
   * ``reasoning``: the worked solution in words, why each step, and what the usual mistakes
     miss. :func:`solution` prints it above the code.
3. **Tests** in ``tests/test_exercises_chNN.py``: add rows ``(id, wrong_answer, words)`` to
   ``CASES``, at least two per exercise, each a plausible mistake and the words its advice must
   contain (the advice names the mistake: "add the biases", "that is the variance").
   ``tests/test_exercises.py`` runs every row, feeds the stored solution (it must pass) and
   the stub ``...`` (it must fail and ask for an answer), and checks the hints and reasoning.
   A coding exercise is also run on cases the chapter never showed.
4. **Notebook cells.** A markdown cell states the question (and the hint/solution calls).
   The code cell holds the worked solution followed by ``exercises.check("NN.id", answer)``
   and is tagged ``exercise`` and ``hide-cell``: the book shows it collapsed with its checked
   output, and ``make student`` turns it into a stub (``answer = ...``, or the function's
   signature and docstring with a ``...`` body). Then run ``make student`` and commit the
   regenerated ``notebooks/student/NN_*.ipynb`` (a test fails while it is stale).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Checker = Callable[[Any], "tuple[bool, str]"]

STUB_MESSAGE = "Replace `...` with your answer, run the cell, then check again."
STUB_FUNCTION_MESSAGE = ("your function's body is still `...`: write its body (it must return "
                         "or change something), run the cell, then check again.")


@dataclass(frozen=True)
class Exercise:
    """One exercise: an id like ``"07.projection_shape"``, the task, a checker, hints, and the
    worked solution (``solution``: runnable code; ``reasoning``: the why, in words)."""

    id: str
    task: str
    checker: Checker
    hints: tuple[str, ...]
    solution: str
    reasoning: str
    answer_name: str = "answer"


EXERCISES: dict[str, Exercise] = {}
_hints_shown: dict[str, int] = {}


def register(exercise: Exercise) -> Exercise:
    """Add (or, when its module is reloaded, replace) an exercise in the shared registry."""
    EXERCISES[exercise.id] = exercise
    return exercise


def get(exercise_id: str) -> Exercise:
    """The exercise with this id; an unknown id lists the valid ones."""
    if exercise_id not in EXERCISES:
        chapter = str(exercise_id).split(".", 1)[0]
        same = [e for e in EXERCISES if e.startswith(chapter + ".")] or sorted(EXERCISES)
        raise KeyError(f"Unknown exercise {exercise_id!r}. Valid ids: {', '.join(same)}. "
                       f"(Chapter NN's exercises load with "
                       f"`from course_utils.exercises import chNN as exercises`.)")
    return EXERCISES[exercise_id]


def _instructions(code: Any) -> list[tuple[str, Any]]:
    import dis

    return [(i.opname, i.argval) for i in dis.get_instructions(code)
            if i.opname not in ("RESUME", "NOP", "CACHE")]


def _stub_function() -> None: ...


def is_stub_function(fn: Any) -> bool:
    """True for a function whose body is only ``...`` (or ``pass``, or a docstring)."""
    code = getattr(fn, "__code__", None)
    return code is not None and _instructions(code) == _instructions(_stub_function.__code__)


def evaluate(exercise_id: str, answer: Any) -> tuple[bool, str]:
    """Run the checker without printing; used by :func:`check` and by the tests."""
    exercise = get(exercise_id)
    if answer is Ellipsis or answer is None:
        return False, STUB_MESSAGE
    if is_stub_function(answer):
        return False, STUB_FUNCTION_MESSAGE
    try:
        return exercise.checker(answer)
    except Exception as exc:  # a broken student function is feedback, not a crash
        return False, f"your answer raised {type(exc).__name__}: {exc}"


def _next_step(exercise_id: str) -> str:
    exercise = get(exercise_id)
    shown = _hints_shown.get(exercise_id, 0)
    if shown < len(exercise.hints):
        return (f"stuck? exercises.hint({exercise_id!r}) shows hint {shown + 1} of "
                f"{len(exercise.hints)}")
    return (f"hints used up: exercises.solution({exercise_id!r}) shows the worked solution "
            "and its reasoning")


def check(exercise_id: str, answer: Any) -> None:
    """Print feedback on ``answer``: "Correct" or "Not yet" with advice, then the next step
    (a hint, or once the hints are used up, the solution). :func:`evaluate` returns it."""
    passed, message = evaluate(exercise_id, answer)
    if passed:
        print(f"[{exercise_id}] Correct: {message}")
    else:
        print(f"[{exercise_id}] Not yet: {message}  ({_next_step(exercise_id)})")


def hint(exercise_id: str, level: int | None = None) -> None:
    """Print the next hint (or hint number ``level``, 1-based)."""
    exercise = get(exercise_id)
    if level is None:
        level = min(_hints_shown.get(exercise_id, 0) + 1, len(exercise.hints))
    if not 1 <= level <= len(exercise.hints):
        raise ValueError(f"Exercise {exercise_id!r} has hints 1 to {len(exercise.hints)}.")
    _hints_shown[exercise_id] = max(level, _hints_shown.get(exercise_id, 0))
    text = f"[{exercise_id}] Hint {level} of {len(exercise.hints)}: {exercise.hints[level - 1]}"
    if level == len(exercise.hints):
        text += f"\n(that was the last hint; exercises.solution({exercise_id!r}) shows the answer)"
    print(text)


def solution(exercise_id: str) -> None:
    """Print the worked solution: the reasoning, then code that produces the answer."""
    exercise = get(exercise_id)
    _hints_shown[exercise_id] = len(exercise.hints)
    reasoning = "\n\n".join(textwrap.fill(p.strip(), 88)
                            for p in exercise.reasoning.strip().split("\n\n"))
    print(f"[{exercise_id}] Worked solution\n\n{reasoning}\n\n"
          f"{textwrap.indent(exercise.solution.strip(), '    ')}")


class Chapter:
    """The exercises of one chapter. A chapter module creates one, adds its exercises, and
    exposes the bound ``check``, ``hint``, ``solution`` and ``evaluate`` as module functions,
    so a notebook's ``exercises.check(...)`` reaches only its own chapter's exercises."""

    def __init__(self, number: str) -> None:
        self.number = number
        self.exercises: dict[str, Exercise] = {}

    def add(self, exercise: Exercise) -> Exercise:
        if not exercise.id.startswith(self.number + "."):
            raise ValueError(f"exercise {exercise.id!r} does not belong to chapter {self.number}: "
                             f"ids start with '{self.number}.'.")
        if exercise.id in self.exercises:
            raise ValueError(f"Exercise {exercise.id!r} is registered twice.")
        if not exercise.hints or not exercise.solution.strip() or not exercise.reasoning.strip():
            raise ValueError(f"exercise {exercise.id!r} needs hints, a solution and its reasoning.")
        self.exercises[exercise.id] = exercise
        return register(exercise)

    def _own(self, exercise_id: str) -> str:
        if exercise_id not in self.exercises:
            other = str(exercise_id).split(".", 1)[0]
            where = (f" It belongs to chapter {other}: `from course_utils.exercises import "
                     f"ch{other} as exercises`." if other != self.number and other.isdigit()
                     else "")
            raise KeyError(f"Chapter {self.number} has no exercise {exercise_id!r}.{where} "
                           f"Valid ids: {', '.join(self.exercises) or '(none yet)'}.")
        return exercise_id

    def evaluate(self, exercise_id: str, answer: Any) -> tuple[bool, str]:
        """``(passed, message)`` for ``answer``, without printing."""
        return evaluate(self._own(exercise_id), answer)

    def check(self, exercise_id: str, answer: Any) -> None:
        """Print feedback on ``answer``: "Correct", or "Not yet" with advice and the next step."""
        check(self._own(exercise_id), answer)

    def hint(self, exercise_id: str, level: int | None = None) -> None:
        """Print the next hint (or hint number ``level``, 1-based)."""
        hint(self._own(exercise_id), level)

    def solution(self, exercise_id: str) -> None:
        """Print the worked solution with its reasoning."""
        solution(self._own(exercise_id))


# --- reusable checkers -------------------------------------------------------------------

def _matches(value: float, target: float, tol: float) -> bool:
    return abs(value - target) <= max(tol, 1e-9 * max(1.0, abs(target)))


def expect_number(expected: float, rel_tol: float = 0.0, abs_tol: float = 0.0,
                  known_mistakes: Mapping[float, str] | None = None,
                  unit: str = "") -> Checker:
    """A checker for a number; ``known_mistakes`` maps typical wrong answers to advice."""
    mistakes = dict(known_mistakes or {})

    def checker(answer: Any) -> tuple[bool, str]:
        if isinstance(answer, (str, bytes, bool)):
            return False, f"expected a number, got {type(answer).__name__} {answer!r}."
        try:
            value = float(answer)
        except (TypeError, ValueError):
            return False, f"expected a number, got {type(answer).__name__} {answer!r}."
        tol = max(abs_tol, rel_tol * abs(expected))
        if _matches(value, expected, tol):
            return True, f"{answer}{unit} is right."
        for wrong, advice in mistakes.items():
            if _matches(value, wrong, tol):
                return False, f"{answer}{unit}: {advice}"
        direction = "too high" if value > expected else "too low"
        return False, (f"{answer}{unit} is {direction}, and not one of the usual slips: "
                       "redo the computation step by step (the hints give the method).")

    return checker


def expect_whole_number(expected: int, known_mistakes: Mapping[float, str] | None = None,
                        unit: str = "") -> Checker:
    """Like :func:`expect_number` for counts and sizes: a non-integer is refused with advice
    (a fractional answer is not truncated into a right one)."""
    inner = expect_number(expected, known_mistakes=known_mistakes, unit=unit)
    fractions = {w: a for w, a in (known_mistakes or {}).items() if float(w) != int(w)}

    def checker(answer: Any) -> tuple[bool, str]:
        try:
            value = float(answer)
        except (TypeError, ValueError):
            value = None
        if value is not None and not isinstance(answer, (str, bytes, bool)) and value != int(value):
            for wrong, advice in fractions.items():
                if _matches(value, wrong, 0.0):
                    return False, f"{answer}{unit}: {advice}"
            return False, (f"{answer}{unit} is not a whole number: a count of pixels, channels, "
                           "parameters or layers is an integer. Work it out exactly "
                           "(use // for floor division).")
        return inner(answer)

    return checker


def expect_statements(true: Iterable[str], explanations: Mapping[str, str]) -> Checker:
    """A checker for "which of these statements are true?" (select all that apply).

    The answer is a set (or string) of the letters of the true statements, e.g.
    ``{"b", "d"}``. With n independent statements a guess passes one time in 2**n, and the
    feedback explains one misjudged statement at a time (why it is true or false), so trying
    letters teaches rather than passes. ``explanations`` says, per letter, why the statement
    is true or false (without a leading "true:"/"false:", which the feedback adds).
    """
    truth = {t.lower() for t in true}
    letters = sorted(explanations)
    assert truth <= set(letters), "every true statement needs an explanation"

    def checker(answer: Any) -> tuple[bool, str]:
        if isinstance(answer, str):
            chosen_raw = [c for c in answer.lower() if c.isalnum()]
        elif isinstance(answer, Mapping):  # {"a": False, "b": True, ...}
            chosen_raw = [str(k).strip().lower() for k, v in answer.items() if v]
        elif isinstance(answer, (set, frozenset, list, tuple)):
            chosen_raw = [str(a).strip().lower() for a in answer]
        else:
            return False, (f"answer the set of letters of the true statements, e.g. "
                           f"{{'a', 'c'}}; got {type(answer).__name__} {answer!r}.")
        unknown = sorted(set(chosen_raw) - set(letters))
        if unknown:
            return False, (f"the statements are {', '.join(letters)}; {', '.join(unknown)} is "
                           "not one of them. Answer the set of letters of the true statements.")
        chosen = set(chosen_raw)
        if not chosen:
            return False, "at least one statement is true: which ones?"
        wrongly_true = sorted(chosen - truth)
        wrongly_false = sorted(truth - chosen)
        if not wrongly_true and not wrongly_false:
            return True, " ".join(f"({x}) is true: {explanations[x]}" for x in sorted(truth))
        count = len(wrongly_true) + len(wrongly_false)
        first = (wrongly_true or wrongly_false)[0]
        why = (f"you chose ({first}), but it is false: " if first in wrongly_true
               else f"you left out ({first}), but it is true: ")
        return False, (f"{count} statement{'s' if count > 1 else ''} misjudged; "
                       f"{why}{explanations[first]}")

    return checker


__all__ = [
    "Chapter", "Checker", "EXERCISES", "Exercise", "STUB_FUNCTION_MESSAGE", "STUB_MESSAGE",
    "check", "evaluate", "expect_number", "expect_statements", "expect_whole_number", "get",
    "hint", "is_stub_function", "register", "solution",
]
