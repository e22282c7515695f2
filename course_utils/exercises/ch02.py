"""Chapter 2 (weight initialization) exercises. The notebook imports this module as
``exercises``: ``from course_utils.exercises import ch02 as exercises``."""

from __future__ import annotations

from course_utils.exercises import Chapter, Exercise, expect_number, expect_statements

chapter = Chapter("02")

chapter.add(Exercise(
    id="02.he_std",
    task="What standard deviation does He initialization give the weights of a layer with "
         "fan_in 256 (e.g. the 256 -> 128 layer)?",
    checker=expect_number((2 / 256) ** 0.5, rel_tol=0.01, known_mistakes={
        2 / 256: "that is the variance 2/fan_in; the standard deviation is its square root.",
        (1 / 256) ** 0.5: "that is LeCun's sqrt(1/fan_in); He doubles the variance for ReLU.",
        (2 / 384) ** 0.5: "that is Glorot's sqrt(2/(fan_in + fan_out)); He uses fan_in only.",
        (2 / 128) ** 0.5: "that uses fan_out (128); He's normal initializer uses fan_in, the "
                          "number of inputs of each unit (256).",
        (6 / 256) ** 0.5: "that is the limit of He *uniform*, sqrt(6/fan_in), not the standard "
                          "deviation.",
    }),
    hints=("He initialization sets Var(W) = 2 / fan_in.",
           "Take the square root of the variance, with fan_in = 256."),
    solution="answer = (2 / 256) ** 0.5  # 0.0884",
    reasoning="He initialization keeps the variance of a ReLU layer's output equal to that of "
              "its input. A unit sums fan_in products w * x, so Var(z) = fan_in * Var(W) * "
              "E[x^2], and ReLU keeps half of the second moment; fan_in * Var(W) / 2 = 1 gives "
              "Var(W) = 2 / fan_in = 2 / 256. The standard deviation is the square root: "
              "sqrt(2 / 256) = 0.0884.",
))

chapter.add(Exercise(
    id="02.glorot_limit",
    task="Glorot uniform draws W from U(-a, a). What is a for the first layer of the "
         "784-256-128-10 network (fan_in 784, fan_out 256)?",
    checker=expect_number((6 / 1040) ** 0.5, rel_tol=0.01, known_mistakes={
        (2 / 1040) ** 0.5: "that is the standard deviation; the limit of U(-a, a) is sqrt(3) "
                           "times larger, because Var(U(-a, a)) = a**2 / 3.",
        6 / 1040: "take the square root: a = sqrt(6 / (fan_in + fan_out)).",
        (6 / 784) ** 0.5: "that is He uniform (fan_in only); Glorot averages fan_in and fan_out.",
        (3 / 1040) ** 0.5: "the variance 2/(fan_in + fan_out) times 3 is 6/(fan_in + fan_out).",
    }),
    hints=("Glorot sets Var(W) = 2 / (fan_in + fan_out); a uniform U(-a, a) has variance "
           "a**2 / 3.",
           "Set the two variances equal and solve for a."),
    solution="answer = (6 / (784 + 256)) ** 0.5  # 0.0760",
    reasoning="Glorot asks for Var(W) = 2 / (fan_in + fan_out), a compromise between keeping "
              "the forward signal (fan_in) and the backward gradient (fan_out). A uniform "
              "distribution on (-a, a) has variance a^2 / 3. Setting a^2 / 3 = 2 / 1040 gives "
              "a = sqrt(6 / 1040) = 0.0760, sqrt(3) times the standard deviation.",
))

chapter.add(Exercise(
    id="02.zeros_why",
    task="The ReLU network initialized with all weights and biases zero stays at chance. Which "
         "of these statements about its training are true? (a) its gradients explode; "
         "(b) every hidden activation is 0 from the start; (c) a larger learning rate would let "
         "it learn; (d) the output layer's biases still change; (e) the hidden units stay equal "
         "to each other but still learn, as one unit. Answer the set of letters of the true "
         "statements.",
    checker=expect_statements("bd", {
        "a": "no gradient grows here; every weight gradient is exactly zero (see the "
             "table of per-layer statistics).",
        "b": "with W = 0 and b = 0 every pre-activation is 0 and ReLU(0) = 0.",
        "c": "no learning rate helps, because a zero gradient times any step size is "
             "zero.",
        "d": "the output bias's gradient is (softmax output - label), which is not zero, "
             "so the biases learn the class frequencies; that alone gives chance accuracy.",
        "e": "that happens with a *non-zero* constant, where units stay copies of each "
             "other. With zeros, a hidden weight's gradient is (its input) x (the gradient at "
             "its unit), and both factors are zero, so nothing hidden learns at all.",
    }),
    hints=("Compute the hidden activations of the first layer when W = 0 and b = 0.",
           "The gradient of a weight is (its input) x (the gradient arriving at its unit); "
           "which of the two is zero for each layer? And what about a bias, whose input is 1?"),
    solution='answer = {"b", "d"}',
    reasoning="With W = 0 and b = 0 every hidden pre-activation is 0 and ReLU(0) = 0 (b). A "
              "weight's gradient is its input times the gradient at its unit: the weights into "
              "the output get zero inputs, and every hidden unit gets a zero gradient because "
              "the weights above it are zero. So no weight ever moves, whatever the learning "
              "rate (not c), nothing explodes (not a), and the units do not even learn as one "
              "(not e). Only the output biases, whose input is the constant 1, get a non-zero "
              "gradient (d); they learn the class frequencies, which is chance accuracy.",
))

chapter.add(Exercise(
    id="02.small_normal_ratio",
    task="In the 10-layer tanh network with 100 units per layer and weights drawn from "
         "N(0, 0.01**2), by what factor does the activation standard deviation shrink from one "
         "hidden layer to the next?",
    checker=expect_number(0.1, rel_tol=0.1, known_mistakes={
        0.01: "that is the weight std alone; each unit sums 100 inputs, which multiplies the "
              "std by sqrt(100).",
        0.0001: "that is the factor on the *variance* without the fan_in; use std, and "
                "Var(z) = fan_in * Var(W) * Var(x).",
        1.0: "that would be the case for Var(W) = 1/fan_in (Glorot at equal fans); here the "
             "weights are much smaller.",
        0.5 ** 0.5 * 0.1: "tanh passes small values almost unchanged (tanh(z) ~ z near 0); "
                          "halving the variance is what ReLU does.",
    }),
    hints=("Near 0, tanh(z) ~ z, so the layer is almost linear.",
           "Var(z) = fan_in * Var(W) * Var(x); turn that factor on the variance into a factor "
           "on the standard deviation."),
    solution="answer = 0.01 * 100 ** 0.5  # 0.1",
    reasoning="A unit sums 100 products w * x with independent zero-mean weights, so "
              "Var(z) = 100 * 0.01^2 * Var(x) = 0.01 * Var(x). The activations stay small, "
              "where tanh(z) ~ z, so tanh passes this variance on unchanged. A factor of 0.01 "
              "on the variance is a factor of sqrt(0.01) = 0.1 on the standard deviation, per "
              "layer: after ten layers the signal is 10^-10 of its size.",
))

evaluate, check, hint, solution = chapter.evaluate, chapter.check, chapter.hint, chapter.solution
EXERCISES = chapter.exercises
