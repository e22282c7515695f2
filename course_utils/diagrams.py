"""Architecture diagrams drawn from the builders' own Keras models, as SVG.

A diagram is read off a built model, never typed: every box is one layer of the model (or a
layer with the batch normalization, activation and dropout that follow it folded into its
box), every arrow one of the model's connections, and every filter count, kernel size and
stride the layer's own. A diagram therefore cannot disagree with the network a chapter
trains, and :meth:`Diagram.layers` lets a test check it against the model.

In a notebook a :class:`Diagram` displays itself as an SVG image that carries its alt text
and caption in the output's metadata (as the plot helpers' figures do), so ``make refresh``
writes them where MyST-NB reads them. The SVG has a ``<title>`` and ``<desc>`` for screen
readers and uses dark text on light fills, readable in light and dark mode.

:func:`conv_grid` draws the arithmetic of one convolution or pooling window (padding,
stride, output size) on a small grid, with the output size from
:func:`course_utils.analysis.conv_output_size`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from course_utils.analysis import conv_output_size, receptive_field

METADATA_KEY = "course_utils"  # the key the refresh reads (as in course_utils.plots)
# Layers drawn inside the box of the layer they follow, not as boxes of their own.
FOLDED = {"BatchNormalization": "BN", "Activation": None, "ReLU": "ReLU", "Dropout": None,
          "LocalResponseNormalization": "LRN", "Rescaling": None}
# Fills by kind of layer: light tints, so the dark text keeps a contrast above 7:1.
FILLS = {"conv": "#dbe9f6", "pool": "#fde7cf", "dense": "#e4f2dc", "merge": "#f2f2f2",
         "input": "#ffffff", "other": "#eeeeee"}
TEXT, MUTED, LINE = "#1a1a1a", "#4d4d4d", "#333333"
BOX_W, BOX_H, LANE_W, LEVEL_H, MARGIN = 190, 40, 214, 62, 24


@dataclass(frozen=True)
class Box:
    """One box of a diagram: a layer of the model and the layers folded into it."""

    name: str                    # the Keras layer's name
    kind: str                    # conv, pool, dense, merge, input or other
    text: str                    # the first line: "3×3 conv, 64 /2"
    detail: str                  # the second line: folded layers and the output shape
    folded: tuple[str, ...]      # names of the layers drawn inside this box
    filters: int | None = None
    kernel: tuple[int, int] | None = None
    strides: tuple[int, int] | None = None
    groups: int = 1
    shape: tuple[int | None, ...] = ()


class _SVGFigure:
    """What every figure of this module shares: its SVG written to a file, and shown in a
    notebook with its alt text and caption in the output's metadata (where the book's
    build reads them). A subclass has ``title``, ``alt`` and ``caption`` and an ``svg()``."""

    title: str
    alt: str
    caption: str

    def svg(self) -> str:
        raise NotImplementedError

    def save(self, path: str | Path) -> Path:
        """Write the SVG to ``path`` and return it."""
        path = Path(path)
        path.write_text(self.svg(), encoding="utf-8")
        return path

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple:
        text = {"alt": self.alt, "caption": self.caption}
        label = f"<{type(self).__name__}: {self.title}>"
        return ({"image/svg+xml": self.svg(), "text/plain": label},
                {"image/svg+xml": {METADATA_KEY: text}})


@dataclass
class Diagram(_SVGFigure):
    """Boxes and arrows laid out top to bottom; ``alt`` and ``caption`` describe it."""

    title: str
    boxes: list[Box]
    edges: list[tuple[int, int]]
    alt: str = ""
    caption: str = ""
    level: list[int] = field(default_factory=list)
    lane: list[float] = field(default_factory=list)

    def layers(self) -> dict[str, dict[str, Any]]:
        """Per box, what it claims about its layer: for checking against the model."""
        return {b.name: {"kind": b.kind, "filters": b.filters, "kernel": b.kernel,
                         "strides": b.strides, "groups": b.groups, "folded": b.folded}
                for b in self.boxes}

    def svg(self) -> str:
        """The diagram as a standalone SVG document."""
        return _render(self)



# --- reading a model ---------------------------------------------------------------------

def _pair(value: Any) -> tuple[int, int]:
    return (int(value), int(value)) if isinstance(value, int) else tuple(int(v) for v in value)


def _shape(layer: Any) -> tuple[int | None, ...]:
    return tuple(layer.output.shape[1:])


def _shape_text(shape: tuple[int | None, ...]) -> str:
    return "×".join("?" if s is None else str(s) for s in shape)


def _fold_text(layer: Any) -> str:
    cls = type(layer).__name__
    if cls == "Activation":
        name = getattr(layer.activation, "__name__", str(layer.activation))
        return {"relu": "ReLU", "softmax": "softmax", "tanh": "tanh",
                "sigmoid": "sigmoid", "linear": "linear"}.get(name, name)
    if cls == "Dropout":
        return f"dropout {layer.rate:g}"
    if cls == "Rescaling":
        return f"× {float(layer.scale):g}"
    return FOLDED[cls] or cls


def _describe_layer(layer: Any) -> tuple[str, str, dict[str, Any]]:
    """(kind, first line, facts) of one layer."""
    cls = type(layer).__name__
    facts: dict[str, Any] = {}
    if cls in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D"):
        kernel, strides = _pair(layer.kernel_size), _pair(layer.strides)
        groups = int(getattr(layer, "groups", 1))
        facts = {"filters": int(layer.filters), "kernel": kernel, "strides": strides,
                 "groups": groups}
        text = f"{kernel[0]}×{kernel[1]} conv, {layer.filters}"
        if groups > 1:
            text = (f"{kernel[0]}×{kernel[1]} conv, {groups} × "
                    f"{layer.filters // groups}")
        if strides != (1, 1):
            text += f" /{strides[0]}" if strides[0] == strides[1] else f" /{strides}"
        if layer.activation is not None and layer.activation.__name__ != "linear":
            text += f", {_fold_text_for(layer.activation.__name__)}"
        return "conv", text, facts
    if cls in ("MaxPooling2D", "AveragePooling2D"):
        kernel, strides = _pair(layer.pool_size), _pair(layer.strides)
        facts = {"kernel": kernel, "strides": strides}
        word = "max" if cls.startswith("Max") else "avg"
        text = f"{kernel[0]}×{kernel[1]} {word} pool"
        if strides != (1, 1):
            text += f" /{strides[0]}"
        return "pool", text, facts
    if cls in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        return "pool", "global " + ("avg" if "Average" in cls else "max") + " pool", facts
    if cls == "Dense":
        facts = {"filters": int(layer.units)}
        text = f"dense, {layer.units}"
        act = layer.activation.__name__
        if act != "linear":
            text += f", {_fold_text_for(act)}"
        return "dense", text, facts
    if cls == "InputLayer":
        return "input", "input", facts
    if cls == "Add":
        return "merge", "add  +", facts
    if cls == "Concatenate":
        return "merge", "concatenate", facts
    if cls == "Flatten":
        return "other", "flatten", facts
    if cls == "ZeroPadding2D":
        return "other", "zero padding", facts
    if cls == "ZeroPadChannels":
        return "other", f"append {layer.extra} zero channels", facts
    return "other", cls, facts


def _fold_text_for(activation: str) -> str:
    return {"relu": "ReLU", "softmax": "softmax"}.get(activation, activation)


def from_model(model: Any, *, title: str, alt: str = "", caption: str = "",
               fold: bool = True) -> Diagram:
    """The diagram of a functional Keras ``model``: one box per layer (with ``fold``, batch
    normalization, activations, dropout, LRN and rescaling that follow a single layer are
    written inside its box), one arrow per connection. ``alt`` defaults to a sentence read
    off the diagram; ``caption`` to ``title``."""
    layers = [layer for layer in model.layers]
    parents = {layer.name: [p.operation.name for node in layer._inbound_nodes[:1]
                            for p in node.parent_nodes] for layer in layers}
    # Children in the order the builder connected them (its branches left to right).
    children = {layer.name: [n.operation.name for n in layer._outbound_nodes
                             if n.operation.name in parents] for layer in layers}
    by_name = {layer.name: layer for layer in layers}
    # Fold a layer into its parent's box when it is the parent's only child and has one parent.
    owner: dict[str, str] = {}
    for layer in layers:
        ps = parents[layer.name]
        if (fold and type(layer).__name__ in FOLDED and len(ps) == 1
                and len(children[ps[0]]) == 1):
            owner[layer.name] = owner.get(ps[0], ps[0])
    kept = [layer for layer in layers if layer.name not in owner]
    index = {layer.name: i for i, layer in enumerate(kept)}
    folded_into: dict[str, list[str]] = {layer.name: [] for layer in kept}
    for name, box in owner.items():
        folded_into[box].append(name)
    boxes = []
    for layer in kept:
        kind, text, facts = _describe_layer(layer)
        inner = folded_into[layer.name]
        last = by_name[inner[-1]] if inner else layer
        extra = [_fold_text(by_name[n]) for n in inner]
        detail = ", ".join(extra + [_shape_text(_shape(last))])
        boxes.append(Box(layer.name, kind, text, detail, tuple(inner),
                         shape=_shape(last), **facts))
    edges: list[tuple[int, int]] = []
    for layer in kept:  # each box's outgoing arrows in the builder's order
        source = folded_into[layer.name][-1] if folded_into[layer.name] else layer.name
        for child in children[source]:
            edge = (index[layer.name], index[owner.get(child, child)])
            if edge not in edges:
                edges.append(edge)
    diagram = Diagram(title, boxes, edges, alt, caption or title)
    _layout(diagram)
    if not diagram.alt:
        diagram.alt = default_alt(diagram)
    return diagram


def default_alt(diagram: Diagram) -> str:
    """A sentence read off the diagram: its layers in order, branches and merges."""
    boxes = diagram.boxes
    lanes = len(set(diagram.lane))
    merges = [b for b in boxes if b.kind == "merge"]
    parts = [f"Diagram of {diagram.title}, read top to bottom"]
    if lanes > 1:
        parts.append(f"with {lanes} parallel paths")
    body = "; ".join(f"{b.text} ({b.detail})" if b.detail else b.text
                     for b in boxes if b.kind != "input")
    out = (f"{', '.join(parts)}: from an input of shape {_shape_text(boxes[0].shape)}, "
           f"{body}.")
    adds = [b for b in merges if b.text.startswith("add")]
    if adds:
        out += (" An addition joins the shortcut to the layers' output." if len(adds) == 1
                else f" {len(adds)} additions join shortcuts to the layers' outputs.")
    return " ".join(out.split())


def _layout(diagram: Diagram) -> None:
    """Levels by longest path from the input; lanes by branch: a box's first child stays
    in its lane, later children open new lanes; a concatenation sits in the middle of its
    inputs' lanes, an addition in the lane of its leftmost input."""
    n = len(diagram.boxes)
    parents: list[list[int]] = [[] for _ in range(n)]
    children: list[list[int]] = [[] for _ in range(n)]
    for a, b in diagram.edges:
        parents[b].append(a)
        children[a].append(b)
    level = [0] * n
    for i in range(n):  # boxes are in the model's order, a topological order
        level[i] = max((level[p] + 1 for p in parents[i]), default=0)
    lane: list[float | None] = [None] * n
    next_lane = [0.0]

    def place(i: int, at: float) -> None:
        if lane[i] is not None:
            return
        ps = [lane[p] for p in parents[i]]
        if len(parents[i]) > 1:
            if any(v is None for v in ps):
                return  # placed when its last input is placed
            known = [v for v in ps if v is not None]
            at = (min(known) + max(known)) / 2 if diagram.boxes[i].text == "concatenate" \
                else min(known)
        lane[i] = at
        for k, c in enumerate(children[i]):
            if k == 0:
                place(c, at)
            else:
                next_lane[0] += 1
                place(c, next_lane[0])

    for i in range(n):
        if not parents[i]:
            place(i, next_lane[0] if i == 0 else next_lane[0] + 1)
    lanes = [0.0 if v is None else v for v in lane]
    # A module whose branches are concatenated: its input sits centred above them.
    first_merge = next((b for b in diagram.boxes if b.kind == "merge"), None)
    if first_merge is not None and first_merge.text == "concatenate":
        for i in range(n):
            if not parents[i] and len(children[i]) > 1:
                below = [lanes[c] for c in children[i]]
                lanes[i] = (min(below) + max(below)) / 2
    diagram.level, diagram.lane = level, lanes


# --- drawing -----------------------------------------------------------------------------

def _render(d: Diagram) -> str:
    lanes = sorted(set(d.lane))
    left = min(lanes)
    grouped = any(b.groups > 1 for b in d.boxes)
    shift = BOX_W * 0.4 if grouped else 0.0  # towers stick out of their lane
    width = int(max(MARGIN * 2 + (max(lanes) - left) * LANE_W + BOX_W + 60 + 2 * shift,
                    2 * MARGIN + 9 * len(d.title)))
    top = MARGIN + 30
    height = int(top + (max(d.level) + 1) * LEVEL_H + MARGIN)

    def x(i: int) -> float:
        return MARGIN + shift + (d.lane[i] - left) * LANE_W + BOX_W / 2

    def y(i: int) -> float:
        return top + d.level[i] * LEVEL_H + BOX_H / 2

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-labelledby="title desc" '
           'font-family="DejaVu Sans, Arial, sans-serif">',
           f'<title id="title">{escape(d.title)}</title>',
           f'<desc id="desc">{escape(d.alt)}</desc>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
           'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
           f'<path d="M0,0 L10,5 L0,10 z" fill="{LINE}"/></marker></defs>',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{MARGIN}" y="{MARGIN + 6}" font-size="15" font-weight="bold" '
           f'fill="{TEXT}">{escape(d.title)}</text>']
    occupied = {(d.level[i], d.lane[i]) for i in range(len(d.boxes))}
    skip = 0
    for a, b in d.edges:
        x1, y1, x2, y2 = x(a), y(a) + BOX_H / 2, x(b), y(b) - BOX_H / 2
        blocked = d.lane[a] == d.lane[b] and any(
            (lv, d.lane[a]) in occupied for lv in range(d.level[a] + 1, d.level[b]))
        if blocked:  # a shortcut past boxes in its own lane: round their right side
            skip += 1
            bx = x1 + BOX_W / 2 + 18 + 8 * (skip - 1)
            path = (f"M{x1 + BOX_W / 2},{y(a)} C{bx},{y(a)} {bx},{y(a)} {bx},{y(a) + 20} "
                    f"L{bx},{y(b) - 20} C{bx},{y(b)} {bx},{y(b)} {x2 + BOX_W / 2},{y(b)}")
        else:  # straight down its own lane, then a curve into the box it feeds
            bend = max(y1, y2 - LEVEL_H + BOX_H / 2)
            path = (f"M{x1},{y1} L{x1},{bend} "
                    f"C{x1},{bend + 16} {x2},{y2 - 16} {x2},{y2}")
        out.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="1.4" '
                   'marker-end="url(#arrow)"/>')
    for i, box in enumerate(d.boxes):
        bx, by = x(i) - BOX_W / 2, y(i) - BOX_H / 2
        fill = FILLS.get(box.kind, FILLS["other"])
        if box.groups > 1:  # grouped convolution: one box per group (AlexNet's towers)
            w, gap = BOX_W * 0.82, 8
            left_x = x(i) - (box.groups * w + (box.groups - 1) * gap) / 2
            per = box.filters // box.groups if box.filters else 0
            k, s = box.kernel or (0, 0), box.strides or (1, 1)
            shape = box.shape[:-1] + ((box.shape[-1] // box.groups,) if box.shape else ())
            inner = box.detail.rsplit(", ", 1)[0] if ", " in box.detail else ""
            for g in range(box.groups):
                gx = left_x + g * (w + gap)
                line1 = f"{k[0]}×{k[1]} conv, {per}" + (f" /{s[0]}" if s != (1, 1) else "")
                line2 = ", ".join(p for p in (f"tower {g + 1}", inner, _shape_text(shape)) if p)
                out.append(f'<rect x="{gx:.1f}" y="{by}" width="{w:.1f}" height="{BOX_H}" '
                           f'rx="5" fill="{fill}" stroke="{LINE}"/>')
                out.append(f'<text x="{gx + w / 2:.1f}" y="{by + 16}" text-anchor="middle" '
                           f'font-size="12.5" fill="{TEXT}">{escape(line1)}</text>')
                out.append(f'<text x="{gx + w / 2:.1f}" y="{by + 32}" text-anchor="middle" '
                           f'font-size="9.5" fill="{MUTED}">{escape(line2)}</text>')
            continue
        out.append(f'<rect x="{bx}" y="{by}" width="{BOX_W}" height="{BOX_H}" rx="5" '
                   f'fill="{fill}" stroke="{LINE}"/>')
        out.append(f'<text x="{x(i)}" y="{by + 16}" text-anchor="middle" font-size="12.5" '
                   f'fill="{TEXT}">{escape(box.text)}</text>')
        out.append(f'<text x="{x(i)}" y="{by + 32}" text-anchor="middle" font-size="10.5" '
                   f'fill="{MUTED}">{escape(box.detail)}</text>')
    out.append("</svg>")
    return "\n".join(out)


# --- padding, stride and pooling -----------------------------------------------------------

@dataclass
class Grid(_SVGFigure):
    """One window of a convolution or pooling on a ``size`` × ``size`` input."""

    size: int
    kernel: int
    stride: int
    padding: int
    out: int
    title: str
    alt: str
    caption: str

    def svg(self) -> str:
        return _render_grid(self)



def conv_grid(size: int, kernel: int, *, stride: int = 1, padding: int = 0,
              what: str = "convolution", title: str | None = None) -> Grid:
    """A ``size`` × ``size`` input with ``padding`` zero cells around it, the window of the
    first output pixel and of its right-hand neighbour (``stride`` cells on), and the output
    grid, whose side is :func:`course_utils.analysis.conv_output_size`."""
    if size < 1 or kernel < 1 or stride < 1 or padding < 0:
        raise ValueError("size, kernel and stride must be at least 1 and padding at least 0; "
                         f"got size={size}, kernel={kernel}, stride={stride}, "
                         f"padding={padding}.")
    if kernel > size + 2 * padding:
        raise ValueError(f"a {kernel}×{kernel} window does not fit a {size}×{size} input "
                         f"padded by {padding}: use a smaller kernel or more padding.")
    out = conv_output_size(size, kernel, stride, padding)
    title = title or (f"{kernel}×{kernel} {what}, stride {stride}, padding {padding}: "
                      f"{size}×{size} → {out}×{out}")
    ring = f" ringed by {padding} cells of zero padding" if padding else ""
    alt = (f"A {size} by {size} input grid{ring}, "
           f"with the {kernel} by {kernel} window of the first output pixel outlined in "
           f"blue and the window of the next output pixel, {stride} cell"
           f"{'s' if stride > 1 else ''} to the right, outlined in orange; beside it the "
           f"{out} by {out} output grid with those two pixels marked. The output side is "
           f"(n + 2p - k) / s + 1, rounded down: ({size} + {2 * padding} - {kernel}) / "
           f"{stride} + 1 = {out}.")
    return Grid(size, kernel, stride, padding, out, title, alt, title)


def _render_grid(g: Grid) -> str:
    cell = 22
    full = g.size + 2 * g.padding
    top = 56
    gap = 70
    width = max(2 * 24 + full * cell + gap + g.out * cell, 48 + 8 * len(g.title))
    height = top + max(full, g.out) * cell + 50
    ox, oy = 24, top
    px = ox + full * cell + gap
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-labelledby="title desc" '
           'font-family="DejaVu Sans, Arial, sans-serif">',
           f'<title id="title">{escape(g.title)}</title>',
           f'<desc id="desc">{escape(g.alt)}</desc>',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="24" y="24" font-size="14" font-weight="bold" fill="{TEXT}">'
           f'{escape(g.title)}</text>',
           f'<text x="{ox}" y="{top - 10}" font-size="12" fill="{TEXT}">input'
           f'{" (grey: padding)" if g.padding else ""}</text>',
           f'<text x="{px}" y="{top - 10}" font-size="12" fill="{TEXT}">output</text>']
    for r in range(full):
        for c in range(full):
            pad = not (g.padding <= r < g.padding + g.size and g.padding <= c < g.padding + g.size)
            fill = "#d9d9d9" if pad else "#ffffff"
            out.append(f'<rect x="{ox + c * cell}" y="{oy + r * cell}" width="{cell}" '
                       f'height="{cell}" fill="{fill}" stroke="#8c8c8c" stroke-width="0.8"/>')
    windows = [(0, "#1f5fa6")]
    if g.out > 1:
        windows.append((g.stride, "#b35900"))
    for k, (col, colour) in enumerate(windows):
        inset = 2 + 3 * k
        out.append(f'<rect x="{ox + col * cell + inset}" y="{oy + inset}" '
                   f'width="{g.kernel * cell - 2 * inset}" height="{g.kernel * cell - 2 * inset}" '
                   f'fill="none" stroke="{colour}" stroke-width="3"/>')
    for r in range(g.out):
        for c in range(g.out):
            fill = "#cfe0f3" if (r, c) == (0, 0) else ("#f6dcc4" if (r, c) == (0, 1) else "#ffffff")
            out.append(f'<rect x="{px + c * cell}" y="{oy + r * cell}" width="{cell}" '
                       f'height="{cell}" fill="{fill}" stroke="#8c8c8c" stroke-width="0.8"/>')
    formula = (f"output side = ⌊({g.size} + 2·{g.padding} − {g.kernel}) / {g.stride}⌋ + 1 "
               f"= {g.out}")
    out.append(f'<text x="24" y="{height - 16}" font-size="12.5" fill="{TEXT}">'
               f'{escape(formula)}</text>')
    out.append("</svg>")
    return "\n".join(out)


# --- a figure that is not a model: shared display ----------------------------------------

@dataclass
class Drawing(_SVGFigure):
    """An SVG drawn by one of the functions below, with its alt text and caption."""

    title: str
    alt: str
    caption: str
    body: str
    facts: dict[str, Any] = field(default_factory=dict)

    def svg(self) -> str:
        return self.body



def _svg_open(width: float, height: float, title: str, alt: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" role="img" '
            'aria-labelledby="title desc" font-family="DejaVu Sans, Arial, sans-serif">',
            f'<title id="title">{escape(title)}</title>',
            f'<desc id="desc">{escape(alt)}</desc>',
            f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
            f'<text x="24" y="26" font-size="14" font-weight="bold" fill="{TEXT}">'
            f'{escape(title)}</text>']


def receptive_field_stack(kernels: tuple[int, ...] = (3, 3, 3)) -> Drawing:
    """One row of pixels through a stack of stride-1 convolutions (``kernels``, first layer
    first): the single top unit, the units below it that it reads, down to the input pixels
    it sees. Each row's width is :func:`course_utils.analysis.receptive_field` of the layers
    below it, so the bottom row is the stack's receptive field."""
    if not kernels or any(k < 1 or k % 2 == 0 for k in kernels):
        raise ValueError(f"kernels must be odd sizes of at least 1, got {kernels}.")
    fields = [receptive_field([(k, 1) for k in kernels[i:]]).size
              for i in range(len(kernels) + 1)]  # fields[i]: units of layer i seen by the top
    cell, gap = 26, 46
    widest = fields[0]
    cells = widest + 4
    sizes = (f"{kernels[0]}×{kernels[0]}" if len(set(kernels)) == 1
             else ", ".join(f"{k}×{k}" for k in kernels))
    title = (f"{len(kernels)} stacked {sizes} convolutions: one unit sees "
             f"{fields[0]} input pixels across")
    width = max(48 + cells * cell + 290, 48 + 8 * len(title))
    height = 60 + (len(kernels) + 1) * (cell + gap)
    alt = (f"Rows of pixels, input at the bottom and one row per convolution above it. The "
           f"top unit reads {kernels[-1]} units of the layer below; going down, the units it "
           f"depends on widen to " + ", ".join(str(f) for f in fields[1:]) + " pixels, so "
           f"{len(kernels)} stacked {kernels[0]}×{kernels[0]} convolutions see a "
           f"{fields[0]}×{fields[0]} window of the input, as one {fields[0]}×{fields[0]} "
           "convolution would, with fewer weights and a nonlinearity after every layer.")
    out = _svg_open(width, height, title, alt)
    rows = len(kernels) + 1
    centres: list[list[float]] = []
    for r in range(rows):  # r = 0 is the input row, drawn at the bottom
        y = 50 + (rows - 1 - r) * (cell + gap)
        seen = fields[r]
        first = (cells - seen) // 2
        label = "input pixels" if r == 0 else f"layer {r} ({kernels[r - 1]}×{kernels[r - 1]} conv)"
        note = ("the top unit" if r == rows - 1
                else f"{seen} {'pixels' if r == 0 else 'units'} it depends on")
        out.append(f'<text x="{36 + cells * cell}" y="{y + cell * 0.68}" font-size="12" '
                   f'fill="{TEXT}">{escape(label)}: {note}</text>')
        row_centres = []
        for c in range(cells):
            if r == rows - 1:
                on = c == cells // 2
            else:
                on = first <= c < first + seen
            fill = "#9ecae1" if on else "#ffffff"
            out.append(f'<rect x="{24 + c * cell}" y="{y}" width="{cell}" height="{cell}" '
                       f'fill="{fill}" stroke="#8c8c8c" stroke-width="0.8"/>')
            if on:
                row_centres.append(24 + c * cell + cell / 2)
        centres.append(row_centres)
    for r in range(1, rows):  # each seen unit to the kernel-wide window below it
        k = kernels[r - 1]
        y_top = 50 + (rows - 1 - r) * (cell + gap) + cell
        y_bottom = 50 + (rows - r) * (cell + gap)
        below = centres[r - 1]
        for i, xc in enumerate(centres[r]):
            for xb in below[i:i + k]:
                out.append(f'<line x1="{xc:.1f}" y1="{y_top}" x2="{xb:.1f}" y2="{y_bottom}" '
                           f'stroke="{LINE}" stroke-width="0.7" stroke-opacity="0.6"/>')
    out.append("</svg>")
    return Drawing(title, alt, title, "\n".join(out), {"fields": fields})


def multichannel_conv(*, size: int = 5, in_channels: int = 3, kernel: int = 3,
                      filters: int = 2) -> Drawing:
    """How one convolution layer reads several channels: each of ``filters`` filters has one
    ``kernel`` × ``kernel`` slice per input channel; the slices' products are summed over
    channels (plus the filter's bias) into one output map, so the layer has
    ``kernel² · in_channels · filters + filters`` parameters."""
    if min(size, in_channels, kernel, filters) < 1 or kernel > size:
        raise ValueError("size, in_channels, kernel and filters must be at least 1, and the "
                         f"kernel no larger than the input; got size={size}, "
                         f"in_channels={in_channels}, kernel={kernel}, filters={filters}.")
    out_size = conv_output_size(size, kernel, 1, 0)
    params = kernel * kernel * in_channels * filters + filters
    title = (f"A {kernel}×{kernel} convolution on {in_channels} channels with {filters} "
             f"filters: {params} parameters")
    cell = 14
    stack = 14  # offset between stacked channel grids
    block_h = size * cell + (in_channels - 1) * stack
    width = max(260 + kernel * cell + (in_channels - 1) * stack + 280
                + max(out_size * cell, 150) + 24, 48 + 8 * len(title))
    height = 70 + filters * (block_h + 40)
    alt = (f"Left, an input of {in_channels} channels of {size} by {size} pixels. Middle, "
           f"{filters} filters, each a stack of {in_channels} slices of {kernel} by {kernel} "
           f"weights, one slice per input channel. Each filter multiplies its slices with "
           f"the matching window of every channel, sums everything and adds its bias, giving "
           f"one {out_size} by {out_size} output map; {filters} filters give {filters} maps. "
           f"Weights: {kernel}·{kernel}·{in_channels}·{filters} plus {filters} biases = "
           f"{params}.")
    out = _svg_open(width, height, title, alt)
    colours = ["#fcbba1", "#c7e9c0", "#c6dbef", "#dadaeb", "#fdd0a2"]

    def grid(x0: float, y0: float, n: int, fill: str) -> None:
        for r in range(n):
            for c in range(n):
                out.append(f'<rect x="{x0 + c * cell}" y="{y0 + r * cell}" width="{cell}" '
                           f'height="{cell}" fill="{fill}" stroke="#737373" stroke-width="0.6"/>')

    y_in = 60
    for ch in reversed(range(in_channels)):  # channel 1 in front
        grid(24 + ch * stack, y_in + ch * stack, size, colours[ch % len(colours)])
    out.append(f'<text x="24" y="{y_in + block_h + 22}" font-size="12" fill="{TEXT}">input: '
               f'{size}×{size}×{in_channels}</text>')
    for f in range(filters):
        y0 = 60 + f * (block_h + 40)
        x_k = 260
        for ch in reversed(range(in_channels)):
            grid(x_k + ch * stack, y0 + ch * stack, kernel, colours[ch % len(colours)])
        out.append(f'<text x="{x_k}" y="{y0 + kernel * cell + (in_channels - 1) * stack + 18}" '
                   f'font-size="12" fill="{TEXT}">filter {f + 1}: {kernel}×{kernel}×'
                   f'{in_channels} + bias</text>')
        xs = x_k + kernel * cell + (in_channels - 1) * stack + 30
        ym = y0 + (kernel * cell + (in_channels - 1) * stack) / 2
        out.append(f'<text x="{xs}" y="{ym + 5}" font-size="16" fill="{TEXT}">'
                   f'→ Σ over {in_channels} channels + b →</text>')
        grid(xs + 250, y0, out_size, "#f0f0f0")
        out.append(f'<text x="{xs + 250}" y="{y0 + out_size * cell + 16}" font-size="12" '
                   f'fill="{TEXT}">output map {f + 1}: {out_size}×{out_size}</text>')
    out.append("</svg>")
    return Drawing(title, alt, title, "\n".join(out),
                   {"params": params, "out_size": out_size, "filters": filters})
