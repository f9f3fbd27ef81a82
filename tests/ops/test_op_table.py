"""Every op in the table: forward values, reverse and forward mode, second order."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import numpy as np
import pytest

import gradtape as gt

HERE = Path(__file__).parent


def _all_rows():
    rows = []
    for info in pkgutil.iter_modules([str(HERE)]):
        if info.name.startswith("rows_"):
            mod = importlib.import_module(f"{__package__}.{info.name}" if __package__ else info.name)
            rows.extend(mod.ROWS)
    return rows


ROWS = _all_rows()
CASES = [(row, shapes) for row in ROWS for shapes in row.shapes]
FORWARD_CASES = [c for c in CASES if c[0].ref is not None]


def _id(case):
    row, shapes = case
    return f"{row.name}-" + "x".join(str(tuple(s)) for s in shapes).replace(" ", "")


def test_table_is_not_empty():
    assert len(ROWS) >= 20


def test_row_names_are_unique():
    names = [r.name for r in ROWS]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("case", FORWARD_CASES, ids=[_id(c) for c in FORWARD_CASES])
def test_forward_matches_reference(case):
    row, shapes = case
    rng = np.random.default_rng(1)
    xs = row.inputs(rng, shapes)
    got = row.fn(*[gt.constant(x) for x in xs])
    want = row.ref(*xs)
    for g, w in zip(_flat(got), _flat(want)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-7, atol=1e-9)


def _flat(x):
    if isinstance(x, (list, tuple)):
        out = []
        for v in x:
            out.extend(_flat(v))
        return out
    return [x]


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_gradients(case):
    row, shapes = case
    rng = np.random.default_rng(2)
    xs = row.inputs(rng, shapes)
    gt.test.check_gradients(row.fn, xs, order=row.order, modes=row.modes, rtol=row.rtol, atol=row.atol)
