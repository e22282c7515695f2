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
    "02": {
        "zeros_test_accuracy": ACC, "small_normal_test_accuracy": ACC,
        "glorot_uniform_test_accuracy": ACC, "he_normal_test_accuracy": ACC,
        "deep_relu_he_normal_test_accuracy": ACC,
        "constant_distinct_units": (1, 1), "zeros_gradient_std_max": (0.0, 0.0),
        "deep_relu_small_normal_activation_ratio": (0.0, 1e-6),
    },
    "03": {
        "mnist_cnn_test_accuracy": ACC, "mnist_mlp_test_accuracy": ACC,
        "cifar_cnn_test_accuracy": ACC, "cifar_mlp_test_accuracy": ACC,
        "cifar_grid_fraction_correct": ACC,
        "mnist_cnn_params": (220_234, 220_234), "cifar_num_classes": (10, 10),
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
    "02": {
        # Same network, four initializers: He and Glorot learn, zeros stays at chance.
        "he_normal_test_accuracy": (0.85, 1.0),
        "glorot_uniform_test_accuracy": (0.85, 1.0),
        "zeros_test_accuracy": (0.0, 0.2),
        "zeros_final_loss": (2.28, 2.33),  # ln 10: uniform predictions
        "he_normal_test_accuracy - zeros_test_accuracy": (0.5, 1.0),
        "glorot_uniform_test_accuracy - zeros_test_accuracy": (0.5, 1.0),
        # Tiny weights: a plateau (loss far above He's), gradients ~100x smaller than He's.
        "small_normal_final_loss - he_normal_final_loss": (1.0, 3.0),
        "small_normal_vs_he_gradient_ratio": (0.0, 0.05),
        # Symmetry: constant weights keep every unit identical; zeros give no gradient at all.
        "constant_distinct_units": (1, 1),
        "he_distinct_units": (256, 256),
        "zeros_gradient_std_max": (0.0, 0.0),
        # 10 x 100 network at initialization: activation std of layer 10 / layer 1.
        "deep_tanh_small_normal_activation_ratio": (0.0, 1e-6),
        "deep_relu_small_normal_activation_ratio": (0.0, 1e-6),
        "deep_relu_glorot_uniform_activation_ratio": (0.01, 0.15),  # (1/sqrt 2)^9 = 0.044
        "deep_relu_he_normal_activation_ratio": (0.5, 2.0),
        "deep_tanh_glorot_uniform_activation_ratio": (0.3, 0.8),
        "deep_tanh_he_normal_activation_ratio": (1.0, 2.0),
        # ... and in training: deep ReLU needs He; both tanh networks train.
        "deep_relu_he_normal_test_accuracy": (0.8, 1.0),
        "deep_relu_he_normal_test_accuracy - deep_relu_glorot_uniform_test_accuracy": (0.3, 1.0),
        "deep_tanh_glorot_uniform_test_accuracy": (0.8, 1.0),
        "deep_tanh_he_normal_test_accuracy": (0.8, 1.0),
    },
    "03": {
        # MNIST (4,000 digits offline): the CNN beats the 3x larger MLP on the same images.
        "mnist_cnn_params": (220_234, 220_234),
        "mnist_cnn_test_accuracy": (0.94, 1.0),  # 8 seeds: 0.959-0.973
        "mnist_cnn_test_accuracy - mnist_mlp_test_accuracy": (0.005, 1.0),  # 8 seeds: 0.014-0.031
        # Colour images (CIFAR-10 stand-in offline): CNN >= 80%, an MLP of similar size far below.
        "cifar_num_classes": (10, 10),
        "cifar_cnn_test_accuracy": (0.80, 1.0),  # seeds 1, 2, 42: 0.966-0.992
        "cifar_mlp_test_accuracy": (0.0, 0.6),
        "cifar_cnn_test_accuracy - cifar_mlp_test_accuracy": (0.3, 1.0),
    },
}

# Timings vary with the machine and its load (CI runs notebooks in parallel), so chapters'
# timings are reported, not asserted; speed claims are checked in benchmarks/.


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
