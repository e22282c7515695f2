"""Exercise checkers and hints.

In a notebook an exercise is a prompt, a cell where the student writes an answer, and a
call to :func:`check`, which prints immediate feedback. :func:`hint` reveals the hints one
at a time. Each exercise is registered here once, with its checker; chapters add their own
section below.

A checker takes the student's answer and returns ``(passed, message)``. It never raises on a
wrong answer: a wrong type, shape or value becomes a message saying what to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Checker = Callable[[Any], "tuple[bool, str]"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: an id like ``"01.head_params"``, a one-line task, a checker, hints."""

    id: str
    task: str
    checker: Checker
    hints: tuple[str, ...]
    solution: str = ""


EXERCISES: dict[str, Exercise] = {}
_hints_shown: dict[str, int] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (ids are unique)."""
    if exercise.id in EXERCISES:
        raise ValueError(f"Exercise {exercise.id!r} is registered twice.")
    EXERCISES[exercise.id] = exercise
    return exercise


def get(exercise_id: str) -> Exercise:
    """The exercise with this id; an unknown id lists the valid ones."""
    if exercise_id not in EXERCISES:
        chapter = exercise_id.split(".", 1)[0]
        same = [e for e in EXERCISES if e.startswith(chapter + ".")] or sorted(EXERCISES)
        raise KeyError(f"Unknown exercise {exercise_id!r}. Valid ids: {', '.join(same)}.")
    return EXERCISES[exercise_id]


def evaluate(exercise_id: str, answer: Any) -> tuple[bool, str]:
    """Run the checker without printing; used by :func:`check` and by the tests."""
    exercise = get(exercise_id)
    if answer is Ellipsis or answer is None:
        return False, "Replace `...` with your answer, run the cell, then check again."
    try:
        return exercise.checker(answer)
    except Exception as exc:  # a broken student function is feedback, not a crash
        return False, f"Your answer raised {type(exc).__name__}: {exc}"


def check(exercise_id: str, answer: Any) -> bool:
    """Print feedback on ``answer`` and return whether it passed."""
    passed, message = evaluate(exercise_id, answer)
    mark = "Correct" if passed else "Not yet"
    extra = "" if passed else f"  (stuck? run exercises.hint({exercise_id!r}))"
    print(f"[{exercise_id}] {mark}: {message}{extra}")
    return passed


def hint(exercise_id: str, level: int | None = None) -> str:
    """Print the next hint (or hint number ``level``, 1-based) and return it."""
    exercise = get(exercise_id)
    if level is None:
        level = min(_hints_shown.get(exercise_id, 0) + 1, len(exercise.hints))
    if not 1 <= level <= len(exercise.hints):
        raise ValueError(f"Exercise {exercise_id!r} has hints 1 to {len(exercise.hints)}.")
    _hints_shown[exercise_id] = max(level, _hints_shown.get(exercise_id, 0))
    text = f"[{exercise_id}] Hint {level} of {len(exercise.hints)}: {exercise.hints[level - 1]}"
    print(text)
    return text


# --- reusable checkers -------------------------------------------------------------------

def expect_number(expected: float, rel_tol: float = 0.0, abs_tol: float = 0.0,
                  known_mistakes: Mapping[float, str] | None = None,
                  unit: str = "") -> Checker:
    """A checker for a number; ``known_mistakes`` maps typical wrong answers to advice."""
    mistakes = dict(known_mistakes or {})

    def checker(answer: Any) -> tuple[bool, str]:
        try:
            value = float(answer)
        except (TypeError, ValueError):
            return False, f"expected a number, got {type(answer).__name__} {answer!r}."
        tol = max(abs_tol, rel_tol * abs(expected))
        if abs(value - expected) <= tol:
            return True, f"{answer}{unit} is right."
        for wrong, advice in mistakes.items():
            if abs(value - wrong) <= max(tol, 1e-9):
                return False, f"{answer}{unit}: {advice}"
        direction = "too high" if value > expected else "too low"
        return False, f"{answer}{unit} is {direction}."

    return checker


def expect_choice(expected: str, explanations: Mapping[str, str]) -> Checker:
    """A checker for a multiple-choice letter; ``explanations`` says why each is right/wrong."""

    def checker(answer: Any) -> tuple[bool, str]:
        choice = str(answer).strip().lower()
        if choice not in explanations:
            return False, f"answer one of {', '.join(sorted(explanations))}; got {answer!r}."
        return choice == expected, explanations[choice]

    return checker


# === Chapter 1: transfer learning ========================================================

def _mlp_for_exercise(outputs: int = 10) -> Any:
    import keras

    return keras.Sequential([
        keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(30),
        keras.layers.LeakyReLU(), keras.layers.Dense(20), keras.layers.LeakyReLU(),
        keras.layers.Dense(outputs, activation="softmax")])


def _check_freeze(fn: Any) -> tuple[bool, str]:
    if not callable(fn):
        return False, "pass the function itself (no parentheses), e.g. check(..., freeze_body)."
    model = _mlp_for_exercise()
    result = fn(model)
    model = result if result is not None else model
    flags = [layer.trainable for layer in model.layers]
    if flags[-1] is not True:
        return False, "the last layer must stay trainable: it is the new head."
    if any(flags[:-1]):
        names = [layer.name for layer in model.layers[:-1] if layer.trainable]
        return False, f"these layers are still trainable: {', '.join(names)}."
    trainable = sum(int(w.shape.num_elements() if hasattr(w.shape, "num_elements")
                        else _prod(w.shape)) for w in model.trainable_weights)
    return True, f"only the head trains now ({trainable} trainable parameters in the test model)."


def _prod(shape: Sequence[int]) -> int:
    out = 1
    for s in shape:
        out *= int(s)
    return out


register(Exercise(
    id="01.head_params",
    task="How many trainable parameters does a new 10-class softmax head have on top of the "
         "frozen 100-unit layer?",
    checker=expect_number(1010, known_mistakes={
        1000: "that counts the weights only; each of the 10 output units also has a bias.",
        202: "that is the 2-unit odd/even head; this head has 10 units.",
        266610: "that is the whole network; only the head is trainable.",
    }),
    hints=("A Dense layer has one weight per (input, output) pair.",
           "Add one bias per output unit: inputs x outputs + outputs."),
    solution="answer = 100 * 10 + 10",
))

register(Exercise(
    id="01.freeze",
    task="Write freeze_body(model) that makes every layer except the last non-trainable.",
    checker=_check_freeze,
    hints=("Every Keras layer has a boolean attribute `trainable`.",
           "Loop over model.layers[:-1] and set layer.trainable = False; leave the last one.",
           "Remember to compile again after changing `trainable` when you train for real."),
    solution="def freeze_body(model):\n    for layer in model.layers[:-1]:\n"
             "        layer.trainable = False\n    return model",
))

register(Exercise(
    id="01.cached_epoch_cost",
    task="With cached features, which part of the network runs in each training epoch? "
         "(a) the whole network, forward and backward; (b) the whole network forward, only "
         "the head backward; (c) only the head, forward and backward.",
    checker=expect_choice("c", {
        "a": "that is training from scratch: every layer runs both ways.",
        "b": "that is freezing without caching: the frozen layers still run forward every "
             "step, which is why freezing alone saved little time.",
        "c": "the frozen body ran once to produce the features; each epoch only touches "
             "the small head, hence the speed-up.",
    }),
    hints=("Think about what the cached array already contains.",
           "The features were computed once by the frozen body, before training."),
    solution='answer = "c"',
))
