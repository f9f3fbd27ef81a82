"""Write the op table (docs/ops.md and the README's table) from the code and the test table.

For every public op it says whether reverse mode, forward mode and second order are verified
numerically by a row of the op table (tests/ops/rows_*.py). Run from the project root:

    python tools/op_table.py          # rewrite docs/ops.md and the README section
    python tools/op_table.py --check  # exit 1 if they are out of date
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import gradtape as gt  # noqa: E402

NAMESPACES = [("gt", gt), ("gt.math", gt.math), ("gt.linalg", gt.linalg), ("gt.nn", gt.nn),
              ("gt.random", getattr(gt, "random", None)), ("gt.signal", gt.signal),
              ("gt.image", gt.image), ("gt.sparse", gt.sparse), ("gt.strings", gt.strings)]
# Namespaces whose functions never have gradients (random draws, strings); checked before rows,
# since a row named after a differentiable op of the same name must not count for them.
NO_GRADIENT_NAMESPACES = ("gt.random", "gt.strings")
# Ops whose outputs are integers, booleans or constants, or that TensorFlow gives no gradient
# either (logm): no gradient by design.
NO_GRADIENT = {
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
    "logical_or", "logical_xor", "logical_not", "is_nan", "is_inf", "is_finite", "argmax", "argmin",
    "argsort", "one_hot", "shape", "size", "rank", "constant", "convert_to_tensor", "zeros", "ones",
    "fill", "zeros_like", "ones_like", "range", "eye", "floor", "ceil", "round",
    "floordiv", "reduce_any", "reduce_all", "stop_gradient", "cast", "angle",
    "unique", "unique_with_counts", "searchsorted", "histogram_fixed_width", "unravel_index",
    "sequence_mask", "truncatediv", "truncatemod", "count_nonzero", "in_top_k",
    "invert_permutation", "is_non_decreasing", "is_strictly_increasing", "zero_fraction", "rint",
    "shape_n", "broadcast_static_shape", "broadcast_dynamic_shape", "matrix_rank",
    "ctc_greedy_decoder", "collapse_repeated", "ctc_unique_labels", "logm",
    "required_space_to_batch_paddings", "compute_accidental_hits", "bitcast", "histogram_fixed_width_bins",
    "hann_window", "hamming_window", "linear_to_mel_weight_matrix", "inverse_stft_window_fn",
    "non_max_suppression", "uniform_candidate_sampler", "log_uniform_candidate_sampler",
    "fixed_unigram_candidate_sampler", "learned_unigram_candidate_sampler", "all_candidate_sampler",
    "to_indicator", "as_string",
    # image codecs: bytes in or out (and TensorFlow's JPEG quality augmentations have no gradient)
    "adjust_jpeg_quality", "decode_and_crop_jpeg", "decode_bmp", "decode_gif", "decode_image", "decode_jpeg",
    "decode_png", "encode_jpeg", "encode_png", "extract_jpeg_shape", "is_jpeg", "random_jpeg_quality",
}
SKIP = {"Tensor", "Variable", "IndexedSlices", "GradientTape", "UnconnectedGradients",
        "custom_gradient", "recompute_grad", "Generator", "set_seed",
        # control flow and utilities: they run ops, they are not ops (tests/test_control_flow.py)
        "cond", "switch_case", "while_loop", "map_fn", "vectorized_map", "scan", "foldl", "foldr",
        "function", "print", "device", "is_tensor", "executing_eagerly", "ensure_shape",
        "get_static_value", "grad_pass_through", "numpy_function", "py_function", "no_op", "group",
        "as_dtype", "Assert", "assert_equal", "assert_greater", "assert_less", "assert_rank", "case",
        "control_dependencies", "get_logger", "init_scope", "SparseTensor"}
BEGIN, END = "<!-- op table begin -->", "<!-- op table end -->"


def public_ops():
    seen, ops = set(), []
    for prefix, mod in NAMESPACES:
        if mod is None:
            continue
        names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
        for name in sorted(names):
            fn = getattr(mod, name, None)
            if not callable(fn) or inspect.isclass(fn) or inspect.ismodule(fn) or name in SKIP:
                continue
            if getattr(fn, "__module__", "").startswith("gradtape.ops") is False and \
                    not getattr(fn, "__module__", "").startswith("gradtape."):
                continue
            if id(fn) in seen:
                continue
            seen.add(id(fn))
            ops.append((prefix, name))
    return ops


def table_rows():
    rows = []
    for info in pkgutil.iter_modules([str(ROOT / "tests" / "ops")]):
        if info.name.startswith("rows_"):
            rows.extend(importlib.import_module(f"ops.{info.name}").ROWS)
    return rows


def coverage(ops, rows):
    names = sorted({n for _, n in ops}, key=len, reverse=True)
    cover: dict = {}
    for row in rows:
        for n in names:  # the longest op name that the row name starts with
            if row.name == n or row.name.startswith(n + "_"):
                c = cover.setdefault(n, {"rev": False, "fwd": False, "order2": False, "rows": 0})
                c["rows"] += 1
                c["rev"] |= "rev" in row.modes
                c["fwd"] |= "fwd" in row.modes
                c["order2"] |= row.order >= 2
                break
    return cover


def render(ops, cover) -> str:
    yes = "yes"
    lines = ["| op | reverse | forward | 2nd order | table rows |", "| --- | --- | --- | --- | --- |"]
    counts = {"verified": 0, "nograd": 0, "other": 0}
    for prefix, name in ops:
        c = cover.get(name) if prefix != "gt.strings" else None
        if c:
            counts["verified"] += 1
            lines.append(f"| `{prefix}.{name}` | {yes if c['rev'] else '-'} | {yes if c['fwd'] else '-'} | "
                         f"{yes if c['order2'] else '-'} | {c['rows']} |")
        elif name in NO_GRADIENT or prefix in NO_GRADIENT_NAMESPACES:
            counts["nograd"] += 1
            lines.append(f"| `{prefix}.{name}` | no gradient | no gradient | - | - |")
        else:
            counts["other"] += 1
            lines.append(f"| `{prefix}.{name}` | composite | composite | - | - |")
    head = (f"{counts['verified']} ops with rules verified numerically by the op table (float64 "
            f"central differences in random directions), {counts['nograd']} without gradients by "
            f"design (integer, boolean or constant outputs, or no gradient in TensorFlow either), "
            f"{counts['other']} composites of "
            "verified ops.\n\n")
    return head + "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    ops = public_ops()
    text = render(ops, coverage(ops, table_rows()))
    doc = "# Ops\n\nGenerated by `python tools/op_table.py` from the code and `tests/ops/rows_*.py`.\n\n" + text
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text()
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    new_readme = readme[:start] + "\n" + text + readme[end:]
    docs = ROOT / "docs" / "ops.md"
    if args.check:
        ok = docs.exists() and docs.read_text() == doc and new_readme == readme
        print("op table up to date" if ok else "op table out of date: run python tools/op_table.py")
        return 0 if ok else 1
    docs.write_text(doc)
    readme_path.write_text(new_readme)
    print(f"wrote {docs} and the README table ({len(ops)} ops)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
