"""The convolution explorer, in Chromium from the disk with the network refused: set its
inputs as a reader would and compare what it computes with course_utils.convolution."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from course_utils import convolution
from course_utils.tooling import explorer
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = ROOT / "book" / "_static" / "conv-explorer.js"


def test_the_exported_data_is_the_courses_own():
    data = explorer.explorer_data()
    digit, label = explorer.digit()
    assert np.allclose(np.array(data["inputs"]["digit"]["pixels"]), digit, atol=1e-4)
    assert f"handwritten {label}" in data["inputs"]["digit"]["label"]
    photo = np.array(data["inputs"]["photo"]["pixels"])
    assert photo.shape == (explorer.PHOTO_SIZE, explorer.PHOTO_SIZE)
    assert 0.0 <= photo.min() < photo.max() <= 1.0
    assert set(data["kernels"]) == set(convolution.KERNELS)
    for name, kernel in convolution.KERNELS.items():
        assert np.allclose(data["kernels"][name], kernel)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    assert CHROMIUM.is_file(), "Chromium is missing: `make test` installs Debian's chromium."
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("explorer")
    explorer.write_script(folder / "conv-explorer-data.js")
    (folder / "conv-explorer.js").write_text(SCRIPT.read_text(encoding="utf-8"))
    (folder / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>explorer</title>'
        '<script src="conv-explorer-data.js"></script><script src="conv-explorer.js" defer>'
        '</script></head><body><div class="conv-explorer"></div></body></html>')
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--allow-file-access-from-files",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        tab = browser.new_page()
        refused: list[str] = []
        tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
                  else (refused.append(r.request.url), r.abort()))
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto((folder / "index.html").as_uri())
        tab.wait_for_function("document.querySelector('.conv-explorer').convExplorer")
        yield tab, errors, refused
        browser.close()


def _set(tab, *, input_name, kernel=None, typed=None, padding=0, stride=1, pool="none"):
    tab.select_option("select[name=input]", input_name)
    if typed is not None:
        tab.fill("textarea[name=weights]", typed)
    else:
        tab.select_option("select[name=kernel]", kernel)
    tab.fill("input[name=padding]", str(padding))
    tab.fill("input[name=stride]", str(stride))
    tab.select_option("select[name=pool]", pool)
    return tab.evaluate("document.querySelector('.conv-explorer').convExplorer.output")


CASES = [
    dict(input_name="digit", kernel="sobel_x", padding=1, stride=1),
    dict(input_name="digit", kernel="outline", padding=0, stride=2),
    dict(input_name="photo", kernel="box_blur", padding=2, stride=3),
    dict(input_name="photo", kernel="sharpen", padding=1, stride=1, pool="max2"),
    dict(input_name="digit", typed="1 0 -1 2\n0 0 0 0\n-1 0 1 2\n1 1 1 1", padding=1, stride=2),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(str(v) for v in c.values())[:40])
def test_the_explorer_computes_what_course_utils_computes(page, case):
    tab, errors, refused = page
    output = np.array(_set(tab, **case))
    data = explorer.explorer_data()
    image = np.array(data["inputs"][case["input_name"]]["pixels"])
    kernel = (np.array([[float(v) for v in row.split()] for row in case["typed"].split("\n")])
              if "typed" in case else convolution.KERNELS[case["kernel"]])
    expected = convolution.conv2d(image, kernel, stride=case["stride"], padding=case["padding"])
    if case.get("pool") == "max2":
        expected = convolution.max_pool(expected, 2, 2)
    assert output.shape == expected.shape
    assert np.allclose(output, expected, atol=1e-9)
    formula = tab.inner_text(".conv-explorer__formula")
    side = convolution.conv_output_size(image.shape[0], kernel.shape[0], case["stride"],
                                        case["padding"])
    assert (f"⌊({image.shape[0]} + 2·{case['padding']} − {kernel.shape[0]}) / "
            f"{case['stride']}⌋ + 1 = {side}") in formula
    assert not errors and not refused


def test_hovering_an_output_pixel_names_its_window(page):
    tab, _, _ = page
    _set(tab, input_name="digit", kernel="sobel_x", padding=1, stride=2)
    window = tab.evaluate("document.querySelector('.conv-explorer').convExplorer.inspect(3, 4)")
    assert window == {"row": 3 * 2 - 1, "col": 4 * 2 - 1, "size": 3}
    text = tab.inner_text(".conv-explorer__window")
    assert "Output (3, 4)" in text and "rows 5–7 and columns 7–9" in text
    box = tab.locator("canvas.conv-explorer__output").bounding_box()
    side = convolution.conv_output_size(28, 3, 2, 1)
    tab.mouse.move(box["x"] + (0.5 / side) * box["width"], box["y"] + (0.5 / side) * box["height"])
    assert "Output (0, 0)" in tab.inner_text(".conv-explorer__window")


def test_a_malformed_kernel_says_how_to_type_one_and_a_fix_clears_it(page):
    tab, _, _ = page
    _set(tab, input_name="digit", typed="1 2\n3")
    assert "square kernel" in tab.inner_text(".conv-explorer__error")
    seven = "\n".join(" ".join(["1"] * 7) for _ in range(7))
    output = _set(tab, input_name="digit", typed=seven, padding=0, stride=4, pool="max2")
    assert tab.inner_text(".conv-explorer__error") == ""
    assert np.array(output).shape == (3, 3)  # (28 - 7) / 4 + 1 = 6, pooled to 3
