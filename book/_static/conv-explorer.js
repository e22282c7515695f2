/* The convolution explorer of the CNN-foundations page.

   Pick an input (a real digit or photo, from window.CONV_EXPLORER_DATA, which the build
   writes from course_utils), a kernel (a preset or typed), padding, stride and pooling. The
   explorer shows the output as a map (blue below zero, white at zero, red above, on a range
   symmetric about zero), the output-size formula with the numbers filled in, and, for the
   output pixel under the pointer, the input window it was computed from.

   The arithmetic is that of course_utils.convolution: a cross-correlation (the kernel is
   not flipped) over an input with `padding` zero pixels on each side, moved by `stride`;
   output side = floor((n + 2p - k) / s) + 1; the optional 2x2 max pool with stride 2 follows.
   No server and no network: everything runs here, from files of the site. */
(function () {
  "use strict";

  const PRESETS = {
    identity: "identity", sobel_x: "Sobel x (vertical edges)",
    sobel_y: "Sobel y (horizontal edges)", sharpen: "sharpen", outline: "outline",
    box_blur: "box blur",
  };

  function convolve(image, kernel, padding, stride) {
    const n = image.length, m = image[0].length, k = kernel.length;
    const rows = Math.floor((n + 2 * padding - k) / stride) + 1;
    const cols = Math.floor((m + 2 * padding - k) / stride) + 1;
    if (rows < 1 || cols < 1) return null;
    const out = [];
    for (let r = 0; r < rows; r++) {
      const row = [];
      for (let c = 0; c < cols; c++) {
        let sum = 0;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            const y = r * stride + i - padding, x = c * stride + j - padding;
            if (y >= 0 && y < n && x >= 0 && x < m) sum += image[y][x] * kernel[i][j];
          }
        }
        row.push(sum);
      }
      out.push(row);
    }
    return out;
  }

  function maxPool(map) {
    const rows = Math.floor((map.length - 2) / 2) + 1;
    const cols = Math.floor((map[0].length - 2) / 2) + 1;
    if (rows < 1 || cols < 1) return null;
    const out = [];
    for (let r = 0; r < rows; r++) {
      const row = [];
      for (let c = 0; c < cols; c++) {
        row.push(Math.max(map[2 * r][2 * c], map[2 * r][2 * c + 1],
                          map[2 * r + 1][2 * c], map[2 * r + 1][2 * c + 1]));
      }
      out.push(row);
    }
    return out;
  }

  function parseKernel(text) {
    const rows = text.trim().split(/\n+/).map(line => line.trim().split(/[\s,]+/).map(Number));
    const k = rows.length;
    if (k < 1 || k > 7 || rows.some(r => r.length !== k || r.some(v => !Number.isFinite(v)))) {
      throw new Error("Type a square kernel of 1x1 to 7x7 numbers: one row per line, " +
                      "numbers separated by spaces or commas.");
    }
    return rows;
  }

  function diverging(v, scale) {
    // blue (#2166ac) below zero, white at zero, red (#b2182b) above
    const t = scale > 0 ? Math.max(-1, Math.min(1, v / scale)) : 0;
    const [r, g, b] = t < 0 ? [33, 102, 172] : [178, 24, 43];
    const a = Math.abs(t);
    return `rgb(${Math.round(255 + (r - 255) * a)},${Math.round(255 + (g - 255) * a)},` +
           `${Math.round(255 + (b - 255) * a)})`;
  }

  function element(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function build(root, data) {
    const uid = "conv-explorer-" + Math.random().toString(36).slice(2, 8);
    const form = element("div", { class: "conv-explorer__controls" });
    const control = (name, label, input) => {
      input.id = `${uid}-${name}`;
      input.name = name;
      const wrap = element("div", { class: "conv-explorer__control" });
      wrap.append(element("label", { for: input.id }, label), input);
      form.append(wrap);
      return input;
    };
    const inputSelect = control("input", "Input", element("select"));
    Object.entries(data.inputs).forEach(([key, value]) =>
      inputSelect.append(element("option", { value: key }, value.label)));
    const kernelSelect = control("kernel", "Kernel", element("select"));
    Object.keys(data.kernels).forEach(key =>
      kernelSelect.append(element("option", { value: key }, PRESETS[key] || key)));
    kernelSelect.append(element("option", { value: "typed" }, "typed below"));
    const weights = control("weights", "Kernel values (one row per line)",
                            element("textarea", { rows: "3", cols: "18", spellcheck: "false" }));
    const padding = control("padding", "Padding (zero pixels per side)",
                            element("input", { type: "number", min: "0", max: "4", value: "1" }));
    const stride = control("stride", "Stride",
                           element("input", { type: "number", min: "1", max: "4", value: "1" }));
    const pool = control("pool", "Pooling", element("select"));
    pool.append(element("option", { value: "none" }, "none"),
                element("option", { value: "max2" }, "2×2 max pool, stride 2"));
    kernelSelect.value = "sobel_x";

    const figures = element("div", { class: "conv-explorer__figures" });
    const inCanvas = element("canvas", { class: "conv-explorer__input", role: "img" });
    const outCanvas = element("canvas", { class: "conv-explorer__output", role: "img" });
    const inFig = element("figure");
    inFig.append(inCanvas, element("figcaption", {}, "Input, with its zero padding in grey; " +
                                   "the outlined window produced the hovered output pixel."));
    const outFig = element("figure");
    outFig.append(outCanvas, element("figcaption", {}, "Output: blue below zero, white at " +
                                     "zero, red above; hover a pixel to see its window."));
    figures.append(inFig, outFig);
    const formula = element("p", { class: "conv-explorer__formula", "aria-live": "polite" });
    const windowText = element("p", { class: "conv-explorer__window", "aria-live": "polite" });
    const error = element("p", { class: "conv-explorer__error", role: "alert" });
    root.append(form, figures, formula, windowText, error);

    const state = { output: null, conv: null };
    root.convExplorer = state;
    const CELL = 8;

    function settings() {
      const p = Math.max(0, Math.min(4, Math.floor(Number(padding.value) || 0)));
      const s = Math.max(1, Math.min(4, Math.floor(Number(stride.value) || 1)));
      return { p, s };
    }

    function drawInput(highlight) {
      const image = data.inputs[inputSelect.value].pixels;
      const { p } = settings();
      const n = image.length, m = image[0].length;
      inCanvas.width = (m + 2 * p) * CELL;
      inCanvas.height = (n + 2 * p) * CELL;
      const ctx = inCanvas.getContext("2d");
      ctx.fillStyle = "#b3b3b3";
      ctx.fillRect(0, 0, inCanvas.width, inCanvas.height);
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < m; x++) {
          const g = Math.round(255 * image[y][x]);
          ctx.fillStyle = `rgb(${g},${g},${g})`;
          ctx.fillRect((x + p) * CELL, (y + p) * CELL, CELL, CELL);
        }
      }
      if (highlight) {
        ctx.strokeStyle = "#ff7f00";
        ctx.lineWidth = 2;
        ctx.strokeRect(highlight.x * CELL + 1, highlight.y * CELL + 1,
                       highlight.k * CELL - 2, highlight.k * CELL - 2);
      }
    }

    function update() {
      error.textContent = "";
      windowText.textContent = "";
      let kernel;
      try {
        kernel = kernelSelect.value === "typed" ? parseKernel(weights.value)
          : data.kernels[kernelSelect.value];
      } catch (e) {
        error.textContent = e.message;
        return;
      }
      if (kernelSelect.value !== "typed") {
        weights.value = kernel.map(row => row.map(v => +v.toFixed(4)).join(" ")).join("\n");
      }
      const image = data.inputs[inputSelect.value].pixels;
      const { p, s } = settings();
      const n = image.length, k = kernel.length;
      const side = Math.floor((n + 2 * p - k) / s) + 1;
      state.kernel = kernel;
      state.settings = { padding: p, stride: s, pool: pool.value };
      state.conv = convolve(image, kernel, p, s);
      let text = `output side = ⌊(${n} + 2·${p} − ${k}) / ${s}⌋ + 1 = ${side}`;
      if (!state.conv) {
        error.textContent = `A ${k}×${k} kernel does not fit a ${n}×${n} input padded by ` +
                            `${p}: use more padding or a smaller kernel.`;
        state.output = null;
        formula.textContent = text;
        drawInput(null);
        return;
      }
      state.output = state.conv;
      if (pool.value === "max2") {
        state.output = maxPool(state.conv);
        if (!state.output) {
          error.textContent = "The output is too small for a 2×2 pool.";
          formula.textContent = text;
          return;
        }
        text += `; after the 2×2 max pool, stride 2: ⌊(${side} − 2) / 2⌋ + 1 = ` +
                `${state.output.length}`;
      }
      formula.textContent = text;
      const out = state.output;
      const scale = Math.max(...out.map(row => Math.max(...row.map(Math.abs))));
      state.scale = scale;
      const cell = Math.max(4, Math.floor(224 / out.length));
      state.cell = cell;
      outCanvas.width = out[0].length * cell;
      outCanvas.height = out.length * cell;
      const ctx = outCanvas.getContext("2d");
      out.forEach((row, r) => row.forEach((v, c) => {
        ctx.fillStyle = diverging(v, scale);
        ctx.fillRect(c * cell, r * cell, cell, cell);
      }));
      const label = data.inputs[inputSelect.value].label;
      inCanvas.setAttribute("aria-label", `The input, ${label}, padded by ${p} pixels.`);
      outCanvas.setAttribute("aria-label", `The output, ${out.length} by ${out[0].length} ` +
                             `pixels, values from ${Math.min(...out.flat()).toFixed(2)} to ` +
                             `${Math.max(...out.flat()).toFixed(2)}.`);
      drawInput(null);
    }

    state.inspect = function (r, c) {
      // The input window (in padded coordinates) behind output pixel (r, c).
      if (!state.output || r < 0 || c < 0 || r >= state.output.length ||
          c >= state.output[0].length) return null;
      const { padding: p, stride: s, pool: pooled } = state.settings;
      const k = state.kernel.length;
      const pk = pooled === "max2" ? 2 : 1;
      const y = (pooled === "max2" ? 2 * r : r) * s, x = (pooled === "max2" ? 2 * c : c) * s;
      const span = (pk - 1) * s + k;
      drawInput({ x, y, k: span });
      const rows = `${y - p}–${y - p + span - 1}`, cols = `${x - p}–${x - p + span - 1}`;
      windowText.textContent = `Output (${r}, ${c}) = ${state.output[r][c].toFixed(3)}, from ` +
        `input rows ${rows} and columns ${cols} (negative or past the edge: zero padding)` +
        (pooled === "max2" ? `, the maximum of a 2×2 block of the convolution's output.` : ".");
      return { row: y - p, col: x - p, size: span };
    };

    outCanvas.addEventListener("mousemove", event => {
      const box = outCanvas.getBoundingClientRect();
      const c = Math.floor((event.clientX - box.left) / box.width * state.output[0].length);
      const r = Math.floor((event.clientY - box.top) / box.height * state.output.length);
      state.inspect(r, c);
    });
    [inputSelect, kernelSelect, padding, stride, pool].forEach(node =>
      node.addEventListener("change", update));
    [padding, stride].forEach(node => node.addEventListener("input", update));
    weights.addEventListener("input", () => { kernelSelect.value = "typed"; update(); });
    update();
  }

  function start() {
    const data = window.CONV_EXPLORER_DATA;
    document.querySelectorAll(".conv-explorer").forEach(root => {
      if (!data) {
        root.textContent = "The explorer's data (conv-explorer-data.js) did not load.";
        return;
      }
      build(root, data);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
