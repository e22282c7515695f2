"""Run sizes for every chapter: the one source of truth.

Each chapter has three profiles:

* ``smoke`` - seconds; used by the tests to prove the notebook runs end to end;
* ``book``  - the default; CPU-feasible and offline; produces the outputs stored in the book;
* ``full``  - the source's scale (real data, bigger images, more epochs) for Colab or a GPU.

A notebook's ``parameters`` cell sets ``PROFILE = "book"``; the next cell calls
:func:`resolve` and shows the settings as a table. Any setting can be overridden by keyword.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

PROFILE_NAMES: tuple[str, ...] = ("smoke", "book", "full")

# Settings shared by all profiles of a chapter come first; each profile overrides some.
_CHAPTERS: dict[str, dict[str, Any]] = {
    "01": {
        "title": "Transfer learning",
        "notebook": "01_transfer_learning.ipynb",
        "common": {"seed": 42, "learning_rate": 1e-3, "momentum": 0.9, "task_optimizer": "adam",
                   "task_learning_rate": 3e-3, "batch_size": 32, "hidden": (300, 100),
                   "source_digits": 5, "sweep_start_rates": (1e-3, 3e-3), "sweep_tune_seed": 42},
        "smoke": {
            "pretrain_size": 600, "task_train_size": 50, "val_size": 200, "test_size": 200,
            "pretrain_epochs": 2, "task_epochs": 3, "finetune_epochs": 2, "speed_epochs": 2,
            "heldout_pretrain_epochs": 1, "sweep_epochs": 1, "sweep_sizes": (25,),
            "sweep_seeds": (42,), "min_seeds": 1, "speed_size": 200,
        },
        "book": {
            "pretrain_size": 3000, "task_train_size": 50, "val_size": 500, "test_size": 1000,
            "pretrain_epochs": 25, "task_epochs": 50, "finetune_epochs": 20, "speed_epochs": 3,
            "heldout_pretrain_epochs": 20, "sweep_epochs": 30,
            "sweep_sizes": (25, 100, 250),  # from the ~1,500 digits 5-9 task A' never saw
            "sweep_seeds": (42, 43, 44), "min_seeds": 3, "speed_size": 1000,
        },
        "full": {
            "pretrain_size": 50000, "task_train_size": 50, "val_size": 5000, "test_size": 10000,
            "momentum": 0.0,
            "pretrain_epochs": 10, "task_epochs": 100, "finetune_epochs": 30, "speed_epochs": 4,
            "heldout_pretrain_epochs": 10, "sweep_epochs": 30,
            "sweep_sizes": (25, 50, 100, 250, 1000, 5000),
            "sweep_seeds": (42, 43, 44, 45, 46), "min_seeds": 3, "speed_size": 10000,
        },
    },
    "02": {
        "title": "Weight initialization",
        "notebook": "02_weight_initialization.ipynb",
        "common": {"seed": 42, "learning_rate": 0.01, "batch_size": 32, "hidden": (256, 128),
                   "initializers": ("zeros", "small_normal", "glorot_uniform", "he_normal"),
                   "stats_batch": 256, "deep_depth": 10, "deep_units": 100,
                   "symmetry_images": 1000, "deep_train_activations": ("tanh", "relu"),
                   "zero_epochs": 3,
                   # The deep comparison (experiment.compare): plain SGD, each arm climbs
                   # `deep_ladder` from `deep_start_rates` on `deep_tune_seed` (val loss).
                   "deep_seeds": (1, 2, 3), "deep_tune_seed": 0, "min_seeds": 3,
                   "deep_start_rates": (0.01, 0.03, 0.1),
                   "deep_ladder": (1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)},
        "smoke": {"train_size": 600, "val_size": 200, "test_size": 200, "epochs": 2,
                  "deep_epochs": 1, "symmetry_images": 320, "zero_epochs": 1,
                  "deep_seeds": (1,), "min_seeds": 1, "deep_start_rates": (0.03,),
                  "deep_ladder": (0.03,)},
        "book": {"train_size": 3500, "val_size": 500, "test_size": 1000, "epochs": 20,
                 "deep_epochs": 5},
        "full": {"train_size": 54000, "val_size": 6000, "test_size": 10000, "epochs": 10,
                 "deep_epochs": 5},
    },
    "03": {
        "title": "CNN foundations",
        "notebook": "03_cnn_foundations.ipynb",
        # Every comparison goes through experiment.compare: Adam (SGD for the input-scaling
        # race), each arm its own rate climbed from `start_rates` along `ladder` on
        # `tune_seed` (lowest validation loss; the run is reused as a result seed), then
        # trained on every seed of `seeds`. `colour_data`: real photo crops (scikit-image's
        # photos, offline) in the book, CIFAR-10 in the full profile.
        "common": {"seed": 42, "seeds": (1, 2, 3), "tune_seed": 1, "min_seeds": 3,
                   "start_rates": (1e-3, 3e-3),
                   "ladder": (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2),
                   "scaling_ladder": (1e-4, 1e-3, 1e-2, 0.1, 1.0),
                   "mnist_batch_size": 64, "mnist_mlp_hidden": (512, 512),
                   "shuffle_seed": 0, "colour_data": "photo_crops",
                   "colour_crops_per_class": (150, 50, 100),
                   "colour_standin_per_class": 600, "colour_val_fraction": 0.1,
                   "colour_batch_size": 32, "colour_mlp_hidden": (160, 100),
                   "grid_images": 32},
        "smoke": {"mnist_train_size": 600, "mnist_val_size": 200, "mnist_epochs": 1,
                  "colour_crops_per_class": (20, 10, 10), "colour_epochs": 1,
                  "scaling_train_size": 300, "scaling_epochs": 1,
                  "seeds": (1,), "min_seeds": 1, "start_rates": (1e-3,),
                  "ladder": (1e-3,), "scaling_ladder": (0.1,), "grid_images": 10},
        "book": {"mnist_train_size": 2000, "mnist_val_size": 500, "mnist_epochs": 4,
                 "colour_epochs": 6, "scaling_train_size": 1500, "scaling_epochs": 3},
        "full": {"mnist_train_size": 55000, "mnist_val_size": 5000, "mnist_epochs": 10,
                 "colour_data": "cifar10", "colour_epochs": 10,
                 "scaling_train_size": 10000, "scaling_epochs": 3},
    },
    "04": {
        "title": "AlexNet",
        "notebook": "04_alexnet.ipynb",
        # Both experiments train on real Fashion-MNIST through experiment.compare. act_*: the
        # ReLU-vs-tanh race (SGD, momentum 0.9), each arm climbing act_ladder from act_start
        # on act_tune_seed (not a result seed), then act_seeds. bn_*: the source's
        # batch-norm AlexNet, pixels /255 once vs twice, at the source's budget: 1,080
        # training images (the source: 1,088) in batches of 64 for `epochs` epochs (17 steps
        # each; 5 = its 85 steps), Adam at its fixed rate. bn_momentum 0.99 is Keras' default, the source's.
        "common": {"seed": 42, "learning_rate": 1e-3, "dropout": 0.4, "bn_momentum": 0.99,
                   "source_steps": 85, "batch_size": 64, "bn_train": 1080, "bn_val": 270,
                   "act_batch_size": 32, "act_tune_seed": 0,
                   "act_ladder": (6e-4, 2e-3, 6e-3, 2e-2, 6e-2, 0.2)},
        "smoke": {"image_size": 64, "width": 0.25, "epochs": 1, "bn_train": 128,
                  "bn_val": 64, "bn_test": 64, "bn_seeds": (1,), "act_images": 128,
                  "act_val": 64, "act_test": 64, "act_epochs": 1, "act_start": (2e-2,),
                  "act_ladder": (2e-2,), "act_seeds": (1,), "min_seeds": 1},
        "book": {"image_size": 64, "width": 0.25, "epochs": 5, "bn_test": 1000,
                 "bn_seeds": (1, 2, 3), "act_images": 1000, "act_val": 200,
                 "act_test": 1000, "act_epochs": 10, "act_start": (2e-3, 6e-3, 2e-2),
                 "act_seeds": (1, 2, 3), "min_seeds": 3},
        "full": {"image_size": 224, "width": 1.0, "epochs": 5, "bn_test": 2000,
                 "bn_seeds": (1, 2, 3), "act_images": 10000, "act_val": 2000,
                 "act_test": 10000, "act_epochs": 20, "act_start": (2e-3, 6e-3, 2e-2),
                 "act_seeds": (1, 2, 3), "min_seeds": 3},
    },
    "05": {
        "title": "VGG",
        "notebook": "05_vgg.ipynb",
        # Sections 6-7: the small VGG16 (`config`, `width`, `fc_units`) on real
        # Fashion-MNIST at `image_size` px, one channel (`train_size` / `val_size` /
        # `test_size` images, class-stratified), through experiment.compare: plain Glorot,
        # plain He and batch norm with Adam (`start_rates` on `ladder`), plain Glorot with
        # SGD + momentum 0.9 (`sgd_start_rates` on `sgd_ladder`), each rate tuned on
        # `tune_seed`, then `seeds`; the same `epochs`, batch size and cosine schedule.
        # Transfer (section 8): offline, a small VGG-A (`transfer_*`) pretrained on five
        # Fashion-MNIST classes and reused on the five others with `target_per_class`
        # labels each, three runner arms; online, VGG16's ImageNet weights in two stages.
        "common": {"seed": 42, "batch_size": 32, "bn_momentum": 0.9, "config": "D",
                   "width": 0.125, "fc_units": 128, "image_size": 32,
                   "tune_seed": 0, "seeds": (1, 2, 3), "min_seeds": 3,
                   "start_rates": (3e-4, 1e-3),
                   "ladder": (3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2),
                   "sgd_start_rates": (1e-2, 3e-2),
                   "sgd_ladder": (1e-3, 3e-3, 1e-2, 3e-2, 0.1),
                   "transfer_config": "A", "transfer_batch_norm": True,
                   "transfer_image_size": 32, "pretrain_learning_rate": 1e-3,
                   "transfer_start_rates": (1e-3, 3e-3),
                   "finetune_learning_rate": 1e-5},
        "smoke": {"train_size": 60, "val_size": 20, "test_size": 20, "epochs": 1,
                  "config": "A", "seeds": (1,), "min_seeds": 1,
                  "start_rates": (1e-3,), "ladder": (1e-3,),
                  "sgd_start_rates": (1e-2,), "sgd_ladder": (1e-2,),
                  "transfer_batch_norm": False, "imagenet_image_size": 32,
                  "source_train": 12, "source_val": 4, "source_test": 4,
                  "target_per_class": 2, "target_val_per_class": 2,
                  "target_test_per_class": 4, "pretrain_epochs": 1,
                  "transfer_epochs": 1, "transfer_start_rates": (1e-3,),
                  "transfer_ladder": (1e-3,),
                  "head_epochs": 1, "finetune_epochs": 1},
        "book": {"train_size": 800, "val_size": 200, "test_size": 500, "epochs": 4,
                 "imagenet_image_size": 224,
                 "source_train": 300, "source_val": 60, "source_test": 100,
                 "target_per_class": 10, "target_val_per_class": 30,
                 "target_test_per_class": 100, "pretrain_epochs": 4,
                 "transfer_epochs": 15,
                 "transfer_ladder": (3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1),
                 "head_epochs": 2, "finetune_epochs": 2},
        "full": {"image_size": 64, "width": 0.5, "fc_units": 512,
                 "train_size": 10000, "val_size": 2000, "test_size": 5000, "epochs": 15,
                 "imagenet_image_size": 224,
                 "source_train": 2000, "source_val": 300, "source_test": 500,
                 "target_per_class": 10, "target_val_per_class": 30,
                 "target_test_per_class": 300, "pretrain_epochs": 6,
                 "transfer_epochs": 30,
                 "transfer_ladder": (3e-4, 1e-3, 3e-3, 1e-2, 3e-2),
                 "head_epochs": 5, "finetune_epochs": 5},
    },
    "06": {
        "title": "Inception",
        "notebook": "06_inception.ipynb",
        # Sections 9-10: real Fashion-MNIST (padded to 32 px), the first `table_rows` rows of
        # Table 1 at `width`; one runner comparison (`race_*`): 16 px, 16 px with label
        # smoothing, 8 px and 32 px at the same cost, each climbing its own rate ladder on
        # `race_tune_seed` (reused as a result seed). Section 11: the 16-px network
        # pretrained on five Fashion-MNIST classes, reused on the other five with few labels.
        "common": {"seed": 42, "batch_size": 32, "bn_momentum": 0.9,
                   "residual_scales": (1.0, 0.3, 0.1), "smoothing": 0.1, "table_rows": 2,
                   "race_tune_seed": 0, "race_start_rates": (3e-3, 1e-2),
                   "race_ladder": (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1),
                   "min_seeds": 3, "pretrain_learning_rate": 3e-3},
        "smoke": {"width": 0.125, "scaling_blocks": 3, "race_train": 60, "race_val": 20,
                  "race_test": 20, "race_epochs": 1, "race_seeds": (0,), "min_seeds": 1,
                  "race_start_rates": (3e-3,), "race_ladder": (3e-3,),
                  "source_train": 12, "source_val": 4, "source_test": 4,
                  "target_per_class": 2, "target_val_per_class": 2,
                  "target_test_per_class": 4, "pretrain_epochs": 1, "transfer_epochs": 1,
                  "run_eagerly": True},
        "book": {"width": 0.25, "scaling_blocks": 10, "race_train": 1000, "race_val": 300,
                 "race_test": 500, "race_epochs": 8, "race_seeds": (0, 1, 2),
                 "source_train": 300, "source_val": 60, "source_test": 100,
                 "target_per_class": 10, "target_val_per_class": 30,
                 "target_test_per_class": 100, "pretrain_epochs": 5, "transfer_epochs": 20,
                 "run_eagerly": False},
        "full": {"width": 1.0, "scaling_blocks": 10, "race_train": 10000, "race_val": 2000,
                 "race_test": 10000, "race_epochs": 20, "race_seeds": (0, 1, 2),
                 "source_train": 1000, "source_val": 200, "source_test": 500,
                 "target_per_class": 10, "target_val_per_class": 30,
                 "target_test_per_class": 500, "pretrain_epochs": 10,
                 "transfer_epochs": 30, "run_eagerly": False},
    },
    "07": {
        "title": "ResNet",
        "notebook": "07_resnet.ipynb",
        # Degradation: real Fashion-MNIST at 16x16 (CIFAR-10 at 32x32 in `full`), half the
        # paper's filters; every network climbs its own learning-rate ladder (on the first
        # result seed, reused and said so in the table), then trains on every seed with the
        # same epochs, batch size and step schedule. Sections 7-8: the source's small ResNet
        # on five real Fashion-MNIST classes (the same 16x16 images), through the runner;
        # then reused on the five other classes, ten labels each (transfer_arms).
        # run_eagerly: a smoke run's few steps cost less eagerly than tracing them would.
        "common": {"seed": 42, "bn_momentum": 0.9,
                   "degradation_data": "fashion_mnist", "degradation_width": 0.5,
                   "degradation_batch_size": 32, "degradation_start_rates": (1e-3, 3e-3),
                   "degradation_ladder": (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1),
                   "degradation_tune_seed": 1, "min_seeds": 3, "shallow_blocks": 1,
                   "small_blocks": 2, "small_width": 1.0, "small_epochs": 4,
                   "source_train": 200, "source_val": 60, "source_test": 100,
                   "target_per_class": 10, "target_val_per_class": 30,
                   "target_test_per_class": 100, "transfer_epochs": 20,
                   "transfer_ladder": (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)},
        "smoke": {"degradation_size": 16, "degradation_train": 64, "degradation_val": 32,
                  "degradation_test": 32, "deep_blocks": 2, "degradation_epochs": 1,
                  "degradation_seeds": (1,), "min_seeds": 1,
                  "degradation_start_rates": (3e-3,), "degradation_ladder": (3e-3,),
                  "run_eagerly": True, "small_epochs": 1, "table_depths": (18,),
                  "source_train": 12, "source_val": 6, "source_test": 6,
                  "target_per_class": 4, "target_val_per_class": 4,
                  "target_test_per_class": 4, "transfer_epochs": 1,
                  "transfer_ladder": (3e-3,)},
        "book": {"degradation_size": 16, "degradation_train": 1000, "degradation_val": 300,
                 "degradation_test": 500, "deep_blocks": 3, "degradation_epochs": 4,
                 "degradation_seeds": (1, 2, 3),
                 "run_eagerly": False, "table_depths": (18, 34, 50, 101, 152)},
        "full": {"degradation_data": "cifar10", "degradation_size": 32,
                 "degradation_train": 5000, "degradation_val": 1000, "degradation_test": 10000,
                 "shallow_blocks": 3, "deep_blocks": 9, "degradation_width": 1.0,
                 "degradation_epochs": 30, "degradation_batch_size": 128,
                 "degradation_seeds": (1, 2, 3), "run_eagerly": False,
                 "small_epochs": 15, "source_train": 1000, "source_val": 200,
                 "source_test": 500, "table_depths": (18, 34, 50, 101, 152)},
    },
}


def chapters() -> tuple[str, ...]:
    """The chapter ids that have profiles, e.g. ``("01", "02")``."""
    return tuple(sorted(_CHAPTERS))


def normalize_chapter(chapter: str | int) -> str:
    """Accept ``1``, ``"1"``, ``"01"`` or ``"01_transfer_learning"`` and return ``"01"``."""
    text = str(chapter).strip()
    head = text.split("_", 1)[0]
    if head.isdigit():
        text = f"{int(head):02d}"
    if text not in _CHAPTERS:
        valid = ", ".join(f"{c} ({_CHAPTERS[c]['title']})" for c in chapters())
        raise ValueError(f"Unknown chapter {chapter!r}. Valid chapters: {valid}.")
    return text


def check_profile(profile: str) -> str:
    """Return ``profile`` if it is valid, otherwise raise an error that lists the valid ones."""
    if profile not in PROFILE_NAMES:
        raise ValueError(
            f"Unknown profile {profile!r}. Valid profiles: {', '.join(PROFILE_NAMES)} "
            "(smoke = seconds for tests, book = the default, full = the source's scale)."
        )
    return profile


def notebook_name(chapter: str | int) -> str:
    """File name of the chapter's notebook inside ``notebooks/``."""
    return _CHAPTERS[normalize_chapter(chapter)]["notebook"]


def resolve(chapter: str | int, profile: str = "book", **overrides: Any) -> Mapping[str, Any]:
    """The settings of ``chapter`` under ``profile``, with ``overrides`` applied.

    An override of a setting the chapter does not have is an error (a typo would otherwise
    be silently ignored). A list given for a tuple setting becomes a tuple (papermill passes
    tuples as lists), and an int given for a float setting becomes a float.
    """
    key = normalize_chapter(chapter)
    check_profile(profile)
    spec = _CHAPTERS[key]
    settings: dict[str, Any] = {"chapter": key, "profile": profile}
    settings.update(spec["common"])
    settings.update(spec[profile])
    unknown = sorted(set(overrides) - set(settings))
    if unknown:
        raise ValueError(
            f"Unknown setting(s) {', '.join(unknown)} for chapter {key}. "
            f"Valid settings: {', '.join(sorted(settings))}."
        )
    for name, value in overrides.items():
        base = settings[name]
        if isinstance(base, tuple) and isinstance(value, list):
            value = tuple(value)
        elif isinstance(base, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        settings[name] = value
    return MappingProxyType(settings)


def _parse_value(text: str, like: Any, name: str) -> Any:
    """``text`` as a value of the type of ``like`` (the setting's value in the profile)."""
    text = text.strip()
    try:
        if isinstance(like, bool):
            lowered = text.lower()
            if lowered not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError(text)
            return lowered in {"true", "1", "yes"}
        if isinstance(like, int):
            return int(text)
        if isinstance(like, float):
            return float(text)
        if isinstance(like, tuple):
            items = [t for t in text.strip("()[]").split(",") if t.strip()]
            element = like[0] if like else ""
            return tuple(_parse_value(t, element, name) for t in items)
    except ValueError:
        kind = type(like).__name__ + (f" of {type(like[0]).__name__}" if isinstance(like, tuple)
                                      and like else "")
        raise ValueError(f"Setting {name}: {text!r} is not a valid {kind} "
                         f"(its current value is {like!r}).") from None
    return text.strip("'\"")


def parse_overrides(chapter: str | int, profile: str, items: list[str] | tuple[str, ...]
                    ) -> dict[str, Any]:
    """``["epochs=1", "image_size=128"]`` as typed overrides for ``chapter``'s ``profile``:
    each value is parsed with the type the setting has in that profile (a tuple as
    ``16,32,64``). A setting the chapter does not have is an error listing the valid ones."""
    settings = resolve(chapter, profile)
    out: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"Expected key=value, got {item!r}.")
        if name not in settings or name in ("chapter", "profile"):
            valid = ", ".join(sorted(k for k in settings if k not in ("chapter", "profile")))
            raise ValueError(f"Unknown setting {name!r} for chapter {settings['chapter']}. "
                             f"Valid settings: {valid}.")
        out[name] = _parse_value(text, settings[name], name)
    resolve(chapter, profile, **out)  # the same checks as the notebook's own call
    return out


# `make rehearse` runs every chapter's `full` settings on a CPU, offline: the full image
# sizes, widths and architectures, with epochs and sample counts capped so every cell runs in
# minutes. Settings whose names end in these suffixes are capped generically (a new epochs or
# per-class setting is capped without an edit here), seed lists keep one seed and learning-rate
# sweeps one rate; `_REHEARSAL_CAPS` adds each chapter's sample counts, sized for the offline
# stand-ins (MNIST's is 5,000 digits).
_REHEARSAL_GENERIC: dict[str, int] = {"epochs": 1, "per_class": 20, "images": 200}
_REHEARSAL_CAPS: dict[str, dict[str, Any]] = {
    "01": {"pretrain_size": 2000, "val_size": 500, "test_size": 500, "sweep_sizes": (25, 50),
           "speed_size": 500},
    "02": {"train_size": 2000, "val_size": 500, "test_size": 500},
    "03": {"mnist_train_size": 2000, "mnist_val_size": 500},
}


def rehearsal_overrides(chapter: str | int) -> dict[str, Any]:
    """The overrides `make rehearse` applies to ``chapter``'s ``full`` profile."""
    key = normalize_chapter(chapter)
    full = resolve(key, "full")
    out: dict[str, Any] = {}
    for name, value in full.items():
        if isinstance(value, bool) or not isinstance(value, (int, tuple)):
            continue
        for suffix, cap in _REHEARSAL_GENERIC.items():
            if name.endswith(suffix) and isinstance(value, int) and value > cap:
                out[name] = cap
            elif (name.endswith(suffix) and isinstance(value, tuple) and value
                  and all(isinstance(v, int) for v in value) and max(value) > cap):
                out[name] = tuple(min(v, cap) for v in value)  # e.g. (train, val, test)
        if name.endswith("seeds") and isinstance(value, tuple) and len(value) > 1:
            out[name] = value[:1]  # one seed: the runner then needs min_seeds=1
            if full.get("min_seeds", 1) > 1:
                out["min_seeds"] = 1
        if name.endswith("learning_rates") and isinstance(value, tuple) and len(value) > 1:
            out[name] = (value[len(value) // 2],)  # a sweep of one: its middle rate
    out.update({k: v for k, v in _REHEARSAL_CAPS.get(key, {}).items()
                if k in full and v != full[k]})
    return out


def as_table(settings: Mapping[str, Any]) -> Any:
    """The settings as a two-column pandas DataFrame, for display under the parameters cell."""
    import pandas as pd

    rows = [(k, repr(v) if isinstance(v, str) else str(v)) for k, v in settings.items()]
    return pd.DataFrame(rows, columns=["setting", "value"]).set_index("setting")
