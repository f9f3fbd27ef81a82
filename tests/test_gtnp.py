"""``gradtape.numpy`` (``import gradtape.numpy as gtnp``): NumPy's names and signatures on tensors.

The value/gradient table of ``tests/test_numpy_interop.py`` is run again here through the
namespace (``gtnp.sum(...)`` instead of ``np.sum(...)``); the rest checks what only the namespace
has: creation with NumPy's dtype rules, signatures that accept NumPy's arguments, constants,
and the errors for what is not supported.
"""

from __future__ import annotations

import importlib.util
import inspect
import pathlib
import sys
import warnings

import numpy as np
import pytest

import gradtape as gt
import gradtape.numpy as gtnp
from gradtape import interop
from gradtape.numpy import _support


def _load_interop_cases():
    path = pathlib.Path(__file__).with_name("test_numpy_interop.py")
    spec = importlib.util.spec_from_file_location("_numpy_interop_cases", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


_cases = _load_interop_cases()
CASES = [c for c in _cases.CASES if not c.protocol_only]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_value_matches_numpy(case):
    _cases.run_value_case(case, gtnp)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad], ids=lambda c: c.name)
def test_gradient_matches_central_differences(case):
    _cases.run_gradient_case(case, gtnp)


# -- one table, NumPy's names and signatures ------------------------------------------------------------
_CONSTANTS = {"pi", "e", "inf", "nan", "newaxis", "euler_gamma", "float16", "float32", "float64", "int8",
              "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "complex64", "complex128",
              "bool_", "intp", "dtype", "finfo", "iinfo", "errstate", "linalg"}


def _functions(ns, npmod):
    names = [n for n in ns.__all__ if n not in _CONSTANTS and n != "LinAlgError"]
    return [(n, getattr(ns, n), getattr(npmod, n, None)) for n in names]


ALL_FUNCTIONS = _functions(gtnp, np) + [("linalg." + n, f, g)
                                        for n, f, g in _functions(gtnp.linalg, np.linalg)]


def test_every_function_has_a_numpy_namesake_in_the_table():
    assert len(ALL_FUNCTIONS) > 200
    for name, fn, npfn in ALL_FUNCTIONS:
        assert npfn is not None, f"gtnp.{name} has no NumPy counterpart"
        assert _support.TABLE.get(npfn) is fn or name in ("abs", "conj", "mod", "true_divide", "pow",
                                                          "bitwise_not", "bitwise_invert", "asin", "acos",
                                                          "atan", "asinh", "acosh", "atanh", "atan2",
                                                          "bitwise_left_shift", "bitwise_right_shift"), name
        assert fn.__doc__, f"gtnp.{name} has no docstring"


def test_the_protocols_use_the_namespace_functions():
    assert interop.FUNCTIONS[np.sum] is gtnp.sum
    assert interop.FUNCTIONS[np.linalg.inv] is gtnp.linalg.inv
    assert interop.UFUNCS[np.sin] is gtnp.sin and interop.UFUNCS[np.absolute] is gtnp.abs
    assert set(interop.FUNCTIONS.values()) | set(interop.UFUNCS.values()) <= {f for _, f, _ in ALL_FUNCTIONS}


def test_no_function_is_left_out_for_a_missing_gradtape_op():
    assert _support.MISSING == {}


def _signature(f):
    try:
        return inspect.signature(f)
    except (TypeError, ValueError):
        return None


SIGNED = [t for t in ALL_FUNCTIONS
          if not isinstance(t[2], np.ufunc) and _signature(t[1]) is not None and _signature(t[2]) is not None]


def test_most_functions_have_signatures_to_compare():
    assert len(SIGNED) > 0.8 * len([t for t in ALL_FUNCTIONS if not isinstance(t[2], np.ufunc)])


@pytest.mark.parametrize("name,fn,npfn", SIGNED, ids=[t[0] for t in SIGNED])
def test_signature_accepts_numpy_arguments(name, fn, npfn):
    theirs, ours = _signature(npfn), _signature(fn)
    params = list(ours.parameters.values())
    var_kw = any(p.kind is p.VAR_KEYWORD for p in params)
    var_pos = any(p.kind is p.VAR_POSITIONAL for p in params)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for i, p in enumerate(theirs.parameters.values()):
        if p.name in ("like", "device") or p.kind is p.VAR_KEYWORD:
            continue
        if p.kind is p.VAR_POSITIONAL:
            assert var_pos, f"{name}: NumPy takes *{p.name}"
        elif p.kind is p.POSITIONAL_ONLY:
            assert var_pos or i < len(positional), f"{name}: positional argument {i} ({p.name})"
        else:
            assert p.name in ours.parameters or var_kw, f"{name}: no argument '{p.name}'"
            if p.kind is p.POSITIONAL_OR_KEYWORD and not var_pos:
                assert i < len(positional) and positional[i].name == p.name, \
                    f"{name}: argument '{p.name}' is not at NumPy's position {i}"


def test_ufunc_wrappers_take_numpy_ufunc_keywords():
    x = gt.constant([1.0, 4.0])
    assert gtnp.sqrt(x, dtype=np.float64).dtype == np.float64
    assert gtnp.add(x, 1.0, casting="same_kind", order="K", where=True).numpy().tolist() == [2.0, 5.0]
    with pytest.raises(TypeError, match="takes 2 positional arguments"):
        gtnp.add(x)
    with pytest.raises(TypeError, match="unexpected keyword argument 'axis2'"):
        gtnp.sin(x, axis2=1)


# -- creation follows NumPy's dtype rules -----------------------------------------------------------------
def test_creation_dtypes_follow_numpy():
    assert gtnp.array([1.0, 2.0]).dtype == np.float64  # gt.constant gives float32 here
    assert gtnp.asarray([1, 2]).dtype == np.asarray([1, 2]).dtype
    assert gtnp.array([1, 2], dtype=gtnp.float32).dtype == np.float32
    assert gtnp.array(1.5, ndmin=2).shape == (1, 1)
    assert gtnp.zeros((2, 3)).dtype == np.float64 and gtnp.ones(2, dtype=np.int32).dtype == np.int32
    assert gtnp.full((2,), 7).dtype == np.full((2,), 7).dtype
    assert gtnp.arange(3).dtype == np.arange(3).dtype
    assert gtnp.arange(0.0, 1.0, 0.5).numpy().tolist() == [0.0, 0.5]
    assert gtnp.eye(2, 3, k=1).numpy().tolist() == np.eye(2, 3, k=1).tolist()
    assert gtnp.identity(2).dtype == np.float64 and gtnp.empty((2, 2)).shape == (2, 2)
    assert gtnp.tri(3, k=-1).numpy().tolist() == np.tri(3, k=-1).tolist()
    assert gtnp.zeros_like([1, 2]).dtype == np.zeros_like([1, 2]).dtype
    for f in (gtnp.array, gtnp.asarray, gtnp.zeros, gtnp.eye, gtnp.arange, gtnp.linspace):
        assert isinstance(f(2) if f is not gtnp.linspace else f(0, 1, 3), gt.Tensor)


def test_asarray_and_array_keep_tensors_connected():
    t = gt.constant([1.0, 2.0])
    assert gtnp.asarray(t) is t and gtnp.asanyarray(t) is t
    x = gt.Variable([1.0, 2.0])
    with gt.GradientTape(persistent=True) as tape:
        a = gtnp.array(x)  # a recorded copy
        b = gtnp.array([x[0] * 3.0, x[1], 2.0])  # a list holding tensors is stacked
        c = gtnp.asarray(x, dtype=gtnp.float64)
        d = gtnp.array([[x[0], 1.0], [2.0, x[1] ** 2]])
    assert a is not x and tape.gradient(a, x).numpy().tolist() == [1.0, 1.0]
    assert b.shape == (3,) and tape.gradient(b, x).numpy().tolist() == [3.0, 1.0]
    assert c.dtype == np.float64 and tape.gradient(c, x).dtype == np.float32
    assert d.shape == (2, 2) and tape.gradient(d, x).numpy().tolist() == [1.0, 4.0]


def test_array_copies_ndarrays():
    a = np.array([1.0, 2.0])
    t = gtnp.asarray(a)
    a[0] = 5.0
    assert t.numpy().tolist() == [1.0, 2.0]


def test_full_with_a_tensor_fill_value_is_differentiable():
    v = gt.Variable(2.0)
    with gt.GradientTape(persistent=True) as tape:
        f = gtnp.full((2, 3), v)
        g = gtnp.full_like(gtnp.zeros(4), v, dtype=gtnp.float64)
    assert f.shape == (2, 3) and float(tape.gradient(f, v)) == 6.0
    assert g.dtype == np.float64 and float(tape.gradient(g, v)) == 4.0


def test_linspace_retstep_and_plain_numbers():
    y, step = gtnp.linspace(0.0, 1.0, 5, retstep=True)
    ref, rstep = np.linspace(0.0, 1.0, 5, retstep=True)
    np.testing.assert_array_equal(y.numpy(), ref)
    assert step == rstep
    a = gt.Variable(1.0)
    with gt.GradientTape() as tape:
        ys, st = gtnp.linspace(a, 3.0, 3, retstep=True)
    assert float(st) == 1.0 and ys.numpy().tolist() == [1.0, 2.0, 3.0]
    assert tape.gradient(ys, a).numpy() == pytest.approx(1.5)  # d/da of a, (a+3)/2, 3


def test_scalars_on_their_own_follow_numpy():
    assert gtnp.sin(1.0).dtype == np.float64
    assert gtnp.add(1, 2).dtype == np.add(1, 2).dtype
    assert gtnp.multiply(2.0, gt.constant([1.0])).dtype == np.float32


def test_constants_and_dtypes_are_numpys():
    assert gtnp.pi == np.pi and gtnp.inf == np.inf and np.isnan(gtnp.nan) and gtnp.newaxis is None
    assert gtnp.float32 is np.float32 and gtnp.int64 is np.int64 and gtnp.dtype is np.dtype
    assert gtnp.finfo(gtnp.float32).eps == np.finfo(np.float32).eps
    assert gtnp.linalg.LinAlgError is np.linalg.LinAlgError
    assert gt.constant([1.0], dtype=gtnp.float64).dtype == np.float64


# -- semantics that the table of cases does not reach -----------------------------------------------------
def test_max_ties_share_the_gradient_and_clip_passes_it_at_the_ends():
    x = gt.Variable([1.0, 3.0, 3.0, -1.0])
    with gt.GradientTape(persistent=True) as tape:
        m = gtnp.max(x)
        c = gtnp.sum(gtnp.clip(x, -1.0, 1.0))
        a = gtnp.sum(gtnp.abs(x - 1.0))
    assert tape.gradient(m, x).numpy().tolist() == [0.0, 0.5, 0.5, 0.0]
    assert tape.gradient(c, x).numpy().tolist() == [1.0, 0.0, 0.0, 1.0]
    assert tape.gradient(a, x).numpy().tolist() == [0.0, 1.0, 1.0, -1.0]


def test_sort_sends_gradients_back_to_where_elements_came_from():
    x = gt.Variable([3.0, 1.0, 2.0])
    with gt.GradientTape() as tape:
        s = gtnp.sort(x)
        y = gtnp.sum(s * gtnp.asarray([1.0, 10.0, 100.0], dtype=gtnp.float32))
    assert s.numpy().tolist() == [1.0, 2.0, 3.0]
    assert tape.gradient(y, x).numpy().tolist() == [100.0, 1.0, 10.0]


def test_nan_functions_ignore_nan_in_value_and_gradient():
    x = gt.Variable([1.0, np.nan, 3.0])
    with gt.GradientTape(persistent=True) as tape:
        s, m = gtnp.nansum(x * 2.0), gtnp.nanmean(x)
    assert float(s) == 8.0 and float(m) == 2.0
    assert tape.gradient(s, x).numpy().tolist() == [2.0, 0.0, 2.0]
    assert tape.gradient(m, x).numpy().tolist() == [0.5, 0.0, 0.5]
    assert gtnp.nan_to_num(gtnp.asarray([np.inf, -np.inf])).numpy().tolist() == np.nan_to_num(
        [np.inf, -np.inf]).tolist()
    a = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for f in ("nanmax", "nanmin", "nanvar", "nanstd"):
            np.testing.assert_array_equal(getattr(gtnp, f)(a, axis=1).numpy(), getattr(np, f)(a, axis=1))
    y = gt.Variable(a[0])
    with gt.GradientTape(persistent=True) as tape:
        hi, sd = gtnp.nanmax(y), gtnp.nanstd(y)
    assert tape.gradient(hi, y).numpy().tolist() == [0.0, 0.0, 1.0]
    assert tape.gradient(sd, y).numpy().tolist() == [-0.5, 0.0, 0.5]


def test_index_functions_return_tensors_without_gradient():
    x = gt.Variable([[1.0, 5.0], [4.0, 2.0]])
    with gt.GradientTape() as tape:
        i = gtnp.argmax(x, axis=1)
        rows, cols = gtnp.where(x > 3.0)
        y = gtnp.sum(gtnp.take_along_axis(x, gtnp.expand_dims(i, 1), axis=1))
    assert i.dtype == np.argmax(np.ones((2, 2)), axis=1).dtype and i.numpy().tolist() == [1, 0]
    assert rows.numpy().tolist() == [0, 1] and cols.numpy().tolist() == [1, 0]
    assert tape.gradient(y, x).numpy().tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert gtnp.count_nonzero(x) == 4 and gtnp.shape(x) == (2, 2)


def test_cross_of_two_vectors_in_the_plane():
    a, b = np.array([[1.0, 2.0], [3.0, 1.0]]), np.array([[0.5, -1.0], [2.0, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ref, ref3 = np.cross(a, b), np.cross(a, np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(gtnp.cross(gt.constant(a), b).numpy(), ref)
    np.testing.assert_allclose(gtnp.cross(gt.constant(a), [1.0, 2.0, 3.0]).numpy(), ref3)


def test_median_and_quantile_along_several_axes():
    a = np.random.default_rng(0).permutation(24).astype(np.float64).reshape(2, 3, 4)
    for f in (lambda xp, x: xp.median(x, axis=(0, 2), keepdims=True),
              lambda xp, x: xp.quantile(x, [0.2, 0.9], axis=(1, 2), method="nearest"),
              lambda xp, x: xp.quantile(x, 0.5, axis=0, method="midpoint"),
              lambda xp, x: xp.percentile(x, 30, method="lower"),
              lambda xp, x: xp.percentile(x, 70, axis=-1, method="higher")):
        np.testing.assert_allclose(f(gtnp, gt.constant(a)).numpy(), f(np, a))


def test_quantile_is_differentiable_in_q():
    x = gt.constant([1.0, 2.0, 4.0, 8.0], gt.float64)
    q = gt.Variable(0.5, dtype=gt.float64)
    with gt.GradientTape() as tape:
        r = gtnp.quantile(x, q)
    assert float(r) == pytest.approx(3.0) and float(tape.gradient(r, q)) == pytest.approx(6.0)


def test_eigh_upper_triangle_and_solve_broadcasting():
    a = np.array([[2.0, 1.0], [-5.0, 3.0]])  # only the upper triangle is read with UPLO="U"
    w, v = gtnp.linalg.eigh(gt.constant(a), UPLO="U")
    np.testing.assert_allclose(w.numpy(), np.linalg.eigh(a, UPLO="U")[0])
    m = np.eye(3) * 2.0 + 0.1
    b = np.arange(12.0).reshape(4, 3, 1)
    np.testing.assert_allclose(gtnp.linalg.solve(gt.constant(m), gt.constant(b)).numpy(),
                               np.linalg.solve(m, b))


# -- errors ------------------------------------------------------------------------------------------------
def test_out_is_refused_by_the_namespace():
    x = gt.constant([1.0, 2.0])
    with pytest.raises(TypeError, match="tensors are immutable"):
        gtnp.sum(x, out=np.zeros(()))
    with pytest.raises(TypeError, match="tensors are immutable"):
        gtnp.sin(x, out=np.zeros(2))


@pytest.mark.parametrize("call", [
    lambda x: gtnp.add(x, 1.0, where=np.array([True, False])),
    lambda x: gtnp.pad(x, 1, mode="mean"),
    lambda x: gtnp.pad(x, 1, mode="reflect", reflect_type="odd"),
    lambda x: gtnp.quantile(x, 0.5, method="weibull"),
    lambda x: gtnp.sort(x, order="f"),
    lambda x: gtnp.var(x, where=np.array([True, False])),
    lambda x: gtnp.interp(x, [0.0, 1.0], [0.0, 1.0], period=1.0),
    lambda x: gtnp.concatenate([x, x], casting="unsafe"),
])
def test_unimplemented_numpy_options_raise_unsupported_argument(call):
    with pytest.raises(_support.UnsupportedArgument, match="is not supported"):
        call(gt.constant([1.0, 2.0]))
    assert issubclass(_support.UnsupportedArgument, TypeError)


def test_numpy_errors_for_bad_arguments():
    x = gt.constant(np.ones((2, 3)))
    with pytest.raises(ValueError, match="need at least one array"):
        gtnp.concatenate([])
    with pytest.raises(ValueError, match="equal division"):
        gtnp.split(x, 2, axis=1)
    with pytest.raises(ValueError):
        gtnp.reshape(x, (4, 2))
    with pytest.raises(np.exceptions.AxisError):
        gtnp.moveaxis(x, 3, 0)
    with pytest.raises(ValueError, match="same shape"):
        gtnp.stack([x, gtnp.ones(3)])
    with pytest.raises(IndexError, match="out of bounds"):
        gtnp.take(x, [7])
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        gtnp.linalg.inv(x)
    with pytest.raises(ValueError, match="Quantiles must be in the range"):
        gtnp.quantile(x, 1.5)


# -- NumPy-style code, written once ------------------------------------------------------------------------
def test_numpy_style_regression_trains():
    rng = np.random.default_rng(1)
    xs = rng.uniform(-1, 1, (64, 3))
    ys = xs @ np.array([1.5, -2.0, 0.5]) + 0.3 + 0.01 * rng.standard_normal(64)
    w, b = gt.Variable(gtnp.zeros(3)), gt.Variable(0.0, dtype=gt.float64)

    def loss_fn(w, b):  # written for NumPy: gtnp (or np) calls only
        pred = gtnp.dot(xs, w) + b
        return gtnp.mean(gtnp.square(pred - ys)) + 1e-4 * gtnp.linalg.norm(w) ** 2

    for _ in range(300):
        with gt.GradientTape() as tape:
            loss = loss_fn(w, b)
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.3 * gw)
        b.assign_sub(0.3 * gb)
    np.testing.assert_allclose(w.numpy(), [1.5, -2.0, 0.5], atol=0.02)
    assert float(loss) < 1e-3
