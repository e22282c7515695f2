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
        "colour_cnn_test_accuracy": ACC, "colour_mlp_test_accuracy": ACC,
        "colour_grid_fraction_correct": ACC, "scaling_raw_val_accuracy": ACC,
        "scaling_rescaled_val_accuracy": ACC, "multichannel_out00": (6.0, 6.0),
        "mnist_cnn_params": (220_234, 220_234), "colour_num_classes": (10, 10),
    },
    "04": {
        "alexnet_paper_params": (60_965_224, 60_965_224),
        "alexnet_single_params": (62_378_344, 62_378_344),
        "source_table_params": (62_369_152, 62_369_152),
        "test_accuracy": ACC, "val_accuracy": ACC, "short_val_accuracy": ACC,
        "paper_relu_final_error": ACC, "today_tanh_final_error": ACC,
        "identical_training": (True, True),
    },
    "05": {
        "params_A": (132_863_336, 132_863_336), "params_D": (138_357_544, 138_357_544),
        "params_E": (143_667_240, 143_667_240), "source_vgg16_params": (134_330_193, 134_330_193),
        "rf_two_3x3": (5, 5), "rf_three_3x3": (7, 7),
        "plain_test_accuracy": ACC, "bn_test_accuracy": ACC,
        "transfer_head_trainable": (1_026, 1_026),
        "transfer_finetune_trainable": (7_080_450, 7_080_450),
    },
    "06": {
        "googlenet_params": (6_998_552, 6_998_552), "googlenet_weights": (6_990_272, 6_990_272),
        "saving_5x5_two_3x3_pct": (27.9, 28.1), "saving_3x3_asymmetric_pct": (33.2, 33.4),
        "mini_test_accuracy": ACC, "scaling_correlation_s01": (-1.0, 1.0),
    },
    "07": {
        "bottleneck_weights": (69_632, 69_632), "resnet50_trainable_params": (25_557_032, 25_557_032),
        "keras_resnet50_backbone_params - our_resnet50_backbone_params": (0, 0),
        "deep_resnet_train_error": ACC, "small_test_accuracy": ACC,
    },
}

BOOK: dict[str, dict[str, tuple]] = {
    "01": {
        "pretrain_test_accuracy": (0.88, 1.0),
        "transfer_test_accuracy": (0.80, 1.0),
        "transfer_test_accuracy - scratch_test_accuracy": (0.02, 1.0),
        "sweep_advantage_small": (0.02, 1.0),  # mean over three seeds
        "sweep_advantage_small - sweep_advantage_largest": (0.0, 1.0),
        "sweep_seeds": (3, 3),
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
        # All-zero weights: ReLU and tanh never move a weight; the sigmoid moves them, but
        # every unit of a layer stays a copy of one unit.
        "zeros_relu_hidden_weight_max": (0.0, 0.0),
        "zeros_tanh_hidden_weight_max": (0.0, 0.0),
        "zeros_sigmoid_hidden_weight_max": (1e-12, 1.0),
        "zeros_sigmoid_distinct_units": (1, 1),
        # tanh + He at its plateau: moderate pre-activations, few on the flat tails; He's
        # gradient advantage over Glorot is large for ReLU, small for tanh.
        "tanh_he_last_preactivation_std": (0.5, 1.0),
        "tanh_he_last_saturated_fraction": (0.0, 0.05),
        "relu_he_vs_glorot_gradient": (20.0, 200.0),
        "tanh_he_vs_glorot_gradient": (1.5, 6.0),
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
    "04": {
        # AlexNet rebuilt from the paper: "60 million parameters and 650,000 neurons".
        "alexnet_paper_params": (60_965_224, 60_965_224),   # two towers (grouped convs)
        "alexnet_paper_mult_adds": (724_406_816, 724_406_816),
        "alexnet_neurons": (659_272, 659_272),
        "alexnet_single_params": (62_378_344, 62_378_344),  # one tower
        "source_table_params": (62_369_152, 62_369_152),    # the source: FC biases missing
        "dense_params_percent": (93.0, 95.0), "conv_mult_adds_percent": (94.0, 96.0),
        # ReLU vs tanh, the paper's setting: ReLU reaches 25% training error, tanh saturates.
        "paper_relu_epochs_to_25": (1, 14),                 # seeds 0, 1, 42: 9-10 epochs
        "paper_tanh_final_error": (0.5, 1.0),
        "paper_tanh_final_error - paper_relu_final_error": (0.3, 1.0),
        # Today's setting (normalised inputs, Glorot/He): tanh trains too.
        "today_tanh_final_error": (0.0, 0.25),
        # Same training, different batch-norm momentum: only the validation numbers differ.
        "identical_training": (True, True),
        "short_val_accuracy": (0.0, 0.25),                  # momentum 0.99 after ~85 steps
        "short_val_accuracy_m09 - short_val_accuracy": (0.03, 1.0),
        # The scaled-down batch-norm AlexNet learns: test accuracy far above chance (0.1).
        "test_accuracy": (0.35, 1.0),
        "val_accuracy": (0.3, 1.0),
    },
    "05": {
        # The six configurations built from one table agree with the paper's Table 2.
        "params_A": (132_863_336, 132_863_336), "params_B": (133_047_848, 133_047_848),
        "params_C": (133_638_952, 133_638_952), "params_D": (138_357_544, 138_357_544),
        "params_E": (143_667_240, 143_667_240), "mult_adds_D": (15_470_264_320, 15_470_264_320),
        "source_vgg16_params": (134_330_193, 134_330_193),  # the source's summary, 17 classes
        "rf_two_3x3": (5, 5), "rf_three_3x3": (7, 7), "vgg16_receptive_field": (212, 212),
        "three_3x3_over_7x7": (0.55, 0.552),                 # 27 C^2 / 49 C^2
        # At initialization the plain network's signal fades; batch norm keeps it at unit scale.
        "glorot_final_rms": (0.0, 0.02), "bn_final_rms": (0.5, 2.0),
        "glorot_output_deviation": (0.0, 0.01),
        # The plain network never leaves ln(10); the same network with batch norm learns.
        "plain_final_loss": (2.28, 2.33), "plain_test_accuracy": (0.0, 0.2),
        "bn_test_accuracy": (0.35, 1.0),                     # seeds 1, 2, 42: 0.82-0.96
        "bn_test_accuracy - plain_test_accuracy": (0.2, 1.0),
        # Offline transfer: only the code path and what trains when.
        "transfer_head_trainable": (1_026, 1_026),
        "transfer_finetune_trainable": (7_080_450, 7_080_450),
    },
    "06": {
        # GoogLeNet rebuilt from Table 1: Keras count (with biases) and weights only.
        "googlenet_params": (6_998_552, 6_998_552),
        "googlenet_weights": (6_990_272, 6_990_272),
        "googlenet_mult_adds": (1.5e9, 1.6e9),  # "1.5 billion multiply-adds"
        # Rows consistent with the paper's own arithmetic agree within its rounding (2-3
        # significant figures; the classifier's "1M" ops is 1.024M); the total within 1%.
        "table1_params_max_diff_pct": (0.0, 2.0),
        "table1_ops_max_diff_pct": (0.0, 2.5),
        "table1_total_weights_diff_pct": (-1.0, 1.0),
        # Factorization savings (exact kernel-area ratios) and the 1x1 reduction of (3a)'s 5x5.
        "saving_5x5_two_3x3_pct": (27.9, 28.1),
        "saving_3x3_asymmetric_pct": (33.2, 33.4),
        "reduction_5x5_speedup": (9.6, 9.8),
        # Residual scaling at initialization: s = 0.1 keeps a 10-block stack near the identity.
        "scaling_correlation_s01": (0.8, 1.0),
        "scaling_correlation_s01 - scaling_correlation_s10": (0.3, 1.0),
        "scaling_std_ratio_s01": (0.8, 1.3),
        "scaling_std_ratio_s10 - scaling_std_ratio_s01": (0.5, 100.0),
        # The mini GoogLeNet learns the image folder: far above chance (0.1).
        "mini_test_accuracy": (0.6, 1.0),
        "mini_test_accuracy - mini_chance": (0.45, 1.0),
    },
    "07": {
        # Degradation: the 32-layer plain net trains worse than the 8-layer one, and far worse
        # than its residual twin (same layers, same parameters).
        "deep_plain_train_error - deep_resnet_train_error": (0.25, 1.0),
        "deep_plain_train_error - shallow_plain_train_error": (0.05, 1.0),
        "deep_resnet_train_error": (0.0, 0.5),
        # Gradient size across layers at initialization: max/min over the 31 conv layers.
        "gradient_spread_plain - gradient_spread_resnet": (30.0, 1e6),
        # Blocks and the ResNet table: the paper's 1.8/3.6/3.8/7.6/11.3 GMACs within 3%.
        "bottleneck_weights": (69_632, 69_632),
        "basic64_weights": (73_728, 73_728),
        "resnet18_macs_diff_pct": (-3.0, 3.0), "resnet34_macs_diff_pct": (-3.0, 3.0),
        "resnet50_macs_diff_pct": (-3.0, 3.0), "resnet101_macs_diff_pct": (-3.0, 3.0),
        "resnet152_macs_diff_pct": (-3.0, 3.0),
        "resnet50_trainable_params": (25_557_032, 25_557_032),
        "keras_resnet50_backbone_params - our_resnet50_backbone_params": (0, 0),
        # The source's small ResNet, trained from scratch: far above chance (0.1).
        "small_test_accuracy": (0.4, 1.0),
        "small_test_accuracy - small_chance": (0.3, 1.0),
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
