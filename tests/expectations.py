"""The lessons each chapter must show, as ranges on its recorded metrics.

``SMOKE`` ranges only prove a smoke run produced sane numbers; ``BOOK`` ranges are the
chapter's claims (e.g. "transfer beats training from scratch"), checked on the metrics the
nbval run of the stored notebooks records. Each entry is ``metric: (low, high)``; a pair
``("a - b", (low, high))`` checks a difference of two metrics.
"""

from __future__ import annotations

ACC = (0.0, 1.0)

SMOKE: dict[str, dict[str, tuple]] = {
    "01": {
        "pretrain_val_accuracy": ACC, "scratch_test_accuracy": ACC,
        "transfer_test_accuracy": ACC, "finetune_test_accuracy": ACC,
        "pretrained_unchanged": (True, True),
    },
}

BOOK: dict[str, dict[str, tuple]] = {
    "01": {
        "pretrain_test_accuracy": (0.88, 1.0),
        "transfer_test_accuracy": (0.80, 1.0),
        "transfer_test_accuracy - scratch_test_accuracy": (0.02, 1.0),
        "sweep_advantage_small": (0.02, 1.0),
        "pretrained_unchanged": (True, True),
    },
}

# Timings vary with the machine; only the direction of the lesson is asserted.
BOOK_TIMINGS: dict[str, dict[str, tuple]] = {
    "01": {"cached_speedup": (1.05, float("inf"))},
}


def value(metrics: dict, expression: str) -> float:
    """A metric, or the difference ``"a - b"`` of two metrics."""
    if " - " in expression:
        a, b = expression.split(" - ")
        return metrics[a] - metrics[b]
    return metrics[expression]


def failures(metrics: dict, expected: dict[str, tuple]) -> list[str]:
    """Human-readable descriptions of every expectation ``metrics`` misses."""
    out = []
    for expression, (low, high) in expected.items():
        try:
            got = value(metrics, expression)
        except KeyError as exc:
            out.append(f"{expression}: metric {exc} was not recorded")
            continue
        if not low <= got <= high:
            out.append(f"{expression} = {got!r}, expected in [{low}, {high}]")
    return out
