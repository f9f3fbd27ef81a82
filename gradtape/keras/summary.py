"""``Model.summary()`` laid out as Keras 3 prints it: a table of the layers (name and type,
output shape, parameter count, and for graphs that are not a chain the layers each one is
connected to), then the parameter counts with their memory sizes.

The table follows Keras's layout without colours: ``line_length`` defaults to 88 characters
(108 with the "Connected to" column), or the terminal's width less 4 when smaller; columns
split at ``positions`` (fractions of the line); text too long for its column wraps at spaces,
and a word longer than the column is cut with "…".
"""

from __future__ import annotations

import re
import shutil
from typing import Any, Callable

from .. import nest

__all__ = ["format_shape", "param_text", "print_summary", "readable_memory_size"]


def format_shape(outputs: Any, free_batch: bool = False) -> str:
    """Keras's text for the shapes of a layer call's outputs: ``(None, 64)`` for one tensor,
    the structure without quotes for several; ``free_batch`` writes None for the first size.

    >>> import gradtape as gt
    >>> format_shape(gt.keras.Input(shape=(4,))), format_shape(gt.ones((8, 3)), free_batch=True)
    ('(None, 4)', '(None, 3)')
    """
    def text(x: Any) -> str:
        if not hasattr(x, "shape"):
            return "?"
        shape = list(x.shape)
        if free_batch and shape:
            shape[0] = None
        return "(" + ", ".join(str(d) for d in shape) + ")"
    flat = nest.flatten(outputs)
    if len(flat) == 1:
        return text(flat[0])
    return str(nest.map_structure(text, outputs)).replace("'", "")


# Keras 3 builds these classes (no weights) when they are created, so an unbuilt model lists
# them as "0", not "0 (unbuilt)" (checked against Keras 3.15).
_BUILT_AT_INIT = frozenset("""
    Activation ActivityRegularization AlphaDropout AveragePooling1D AveragePooling2D AveragePooling3D
    Dropout ELU GaussianDropout GaussianNoise GlobalAveragePooling1D GlobalAveragePooling2D
    GlobalAveragePooling3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D Identity LeakyReLU
    Masking MaxPooling1D MaxPooling2D MaxPooling3D ReLU Reshape Softmax SpatialDropout1D SpatialDropout2D
    SpatialDropout3D UnitNormalization""".split())


def param_text(layer: Any) -> str:
    """The "Param #" cell: the count with thousands separators, ``0 (unbuilt)`` before build."""
    if not hasattr(layer, "built"):
        return "0"
    if not layer.built:
        if type(layer).__name__ in _BUILT_AT_INIT and not layer.weights:
            return "0"
        return "0 (unbuilt)"
    return f"{layer.count_params():,}"


def readable_memory_size(size: float) -> str:
    """Bytes as Keras writes them: ``198.79 KB``.

    >>> readable_memory_size(203560)
    '198.79 KB'
    """
    for unit in ["B", "KB", "MB", "GB", "TB"]:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _ratio_reduce(total: int, widths: list) -> list:
    # How rich shrinks fixed-width columns that overflow the table (one unit of each in turn).
    out, remaining, ratio = [], total, len(widths)
    for w in widths:
        cut = min(w, round(remaining / ratio))
        out.append(w - cut)
        remaining -= cut
        ratio -= 1
    return out


def _wrap(text: str, width: int) -> list:
    """Lines of ``text`` at most ``width`` wide, broken at spaces; overlong words cut with …."""
    lines, line = [], ""
    for word in re.findall(r"\s*\S+\s*", text) or [""]:
        if len(line) + len(word.rstrip()) <= width or not line:
            line += word
        else:
            lines.append(line)
            line = word
    lines.append(line)
    out = []
    for line in lines:
        line = line.rstrip()
        out.append(line if len(line) <= width else line[:max(width - 1, 0)] + "…")
    return out


def _table(header: list, rows: list, right: list, line_length: int, positions: list) -> list:
    widths, start = [], 0
    for pos in positions:
        end = int(pos * line_length) if pos <= 1 else int(pos)
        if end - start < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(end - start + 2)
        start = end
    excess = sum(widths) - (line_length - len(widths) - 1)
    if excess > 0:
        widths = _ratio_reduce(excess, widths)
    inner = [w - 2 for w in widths]

    def render(cells: list, bar: str) -> list:
        wrapped = [_wrap(c, w) for c, w in zip(cells, inner)]
        height = max(len(w) for w in wrapped)
        out = []
        for i in range(height):
            parts = []
            for lines, w, r in zip(wrapped, inner, right):
                text = lines[i] if i < len(lines) else ""
                parts.append(" " + (text.rjust(w) if r else text.ljust(w)) + " ")
            out.append(bar + bar.join(parts) + bar)
        return out

    def rule(left: str, fill: str, mid: str, end: str) -> str:
        return left + mid.join(fill * w for w in widths) + end

    lines = [rule("┏", "━", "┳", "┓"), *render(header, "┃"), rule("┡", "━", "╇", "┩")]
    for i, row in enumerate(rows):
        if i:
            lines.append(rule("├", "─", "┼", "┤"))
        lines.extend(render(row, "│"))
    lines.append(rule("└", "─", "┴", "┘"))
    return lines


def print_summary(model: Any, rows: list, sequential_like: bool,
                  print_fn: Callable[[str], None] | None = None, line_length: int | None = None,
                  positions: list | None = None) -> None:
    """Print ``model``'s summary from its rows (``[name (type), output shape, params]``, plus
    "Connected to" unless ``sequential_like``), one line at a time through ``print_fn``."""
    if sequential_like:
        default, header, right = 88, ["Layer (type)", "Output Shape", "Param #"], [0, 0, 1]
        positions = positions or [0.45, 0.80, 1.0]
    else:
        default = 108
        header, right = ["Layer (type)", "Output Shape", "Param #", "Connected to"], [0, 0, 1, 0]
        positions = positions or [0.3, 0.56, 0.74, 1.0]
    if line_length is None:
        line_length = min(default, shutil.get_terminal_size().columns - 4)
    out = print_fn or print
    trainable = {id(v): v for v in model.trainable_variables}.values()
    frozen = {id(v): v for v in model.non_trainable_variables}.values()
    counts = [sum(int(v.size) for v in vs) for vs in (trainable, frozen)]
    sizes = [sum(int(v.size) * v.dtype.itemsize for v in vs) for vs in (trainable, frozen)]
    out(f'Model: "{model.name}"')
    for line in _table(header, rows, right, line_length, positions):
        out(line)
    for label, count, size in (("Total", sum(counts), sum(sizes)),
                               ("Trainable", counts[0], sizes[0]),
                               ("Non-trainable", counts[1], sizes[1])):
        out(f" {label} params: {count:,} ({readable_memory_size(size)})")
