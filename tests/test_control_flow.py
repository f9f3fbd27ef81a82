"""cond, switch_case, while_loop, map_fn, vectorized_map, function, print, nest, config, device."""

import collections
import io
import logging

import numpy as np
import pytest

import gradtape as gt

RNG = np.random.default_rng(7)


# -- cond and switch_case ---------------------------------------------------------------------
def test_cond_runs_only_the_branch_taken():
    calls = []
    x = gt.constant(2.0)
    out = gt.cond(x > 0, lambda: calls.append("t") or x * 10.0, lambda: calls.append("f") or -x)
    assert float(out) == 20.0 and calls == ["t"]
    assert float(gt.cond(False, lambda: x, lambda: -x)) == -2.0


def test_cond_gradient_flows_through_the_taken_branch_only():
    a, b = gt.Variable(3.0), gt.Variable(5.0)
    with gt.GradientTape() as tape:
        y = gt.cond(a < b, lambda: a * a, lambda: b * b)
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga) == 6.0 and gb is None


def test_cond_gradients_match_central_differences():
    def f(x):
        return gt.cond(gt.reduce_sum(x) > 0, lambda: gt.sin(x) * x, lambda: gt.exp(x))
    gt.test.check_gradients(f, [RNG.uniform(0.1, 1.0, 4)])
    gt.test.check_gradients(f, [-RNG.uniform(0.1, 1.0, 4)])


def test_cond_rejects_missing_branches_and_non_scalar_predicates():
    with pytest.raises(TypeError, match="true_fn and false_fn"):
        gt.cond(True, lambda: 1)
    with pytest.raises(ValueError, match="pred must be a scalar.*reduce_all"):
        gt.cond(gt.constant([True, False]), lambda: 1, lambda: 2)


def test_switch_case_selects_by_index_with_tensorflow_defaults():
    fns = [lambda: gt.constant(10.0), lambda: gt.constant(20.0), lambda: gt.constant(30.0)]
    assert float(gt.switch_case(gt.constant(1), fns)) == 20.0
    assert float(gt.switch_case(7, fns)) == 30.0  # out of range, no default: the last branch
    assert float(gt.switch_case(-1, fns, default=lambda: gt.constant(-1.0))) == -1.0
    assert float(gt.switch_case(5, {5: lambda: gt.constant(1.0), 2: lambda: gt.constant(2.0)})) == 1.0
    assert float(gt.switch_case(2, [(2, lambda: gt.constant(4.0)), (9, lambda: gt.constant(8.0))])) == 4.0
    with pytest.raises(TypeError, match="scalar integer"):
        gt.switch_case(gt.constant(1.0), fns)


def test_switch_case_gradient():
    w = gt.Variable([1.0, 2.0])
    with gt.GradientTape() as tape:
        y = gt.switch_case(1, [lambda: gt.reduce_sum(w), lambda: gt.reduce_sum(w * w)])
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), [2.0, 4.0])


# -- while_loop -------------------------------------------------------------------------------
def test_while_loop_returns_the_structure_of_loop_vars():
    i, s = gt.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i), (gt.constant(0), gt.constant(0)))
    assert (int(i), int(s)) == (5, 10)
    out = gt.while_loop(lambda v: v[0] < 3, lambda v: ([v[0] + 1, v[1] * 2.0],), [[gt.constant(0), gt.constant(1.0)]])
    assert isinstance(out, tuple) and int(out[0][0]) == 3 and float(out[0][1]) == 8.0
    untouched = [gt.constant(9)]
    assert gt.while_loop(lambda i: i < 3, lambda i: (i + 1,), untouched) is untouched


def test_while_loop_single_tensor_and_maximum_iterations():
    assert int(gt.while_loop(lambda i: i < 10, lambda i: i + 1, gt.constant(0))) == 10
    (i,) = gt.while_loop(lambda i: i < 10, lambda i: (i + 1,), [gt.constant(0)], maximum_iterations=4)
    assert int(i) == 4
    (i,) = gt.while_loop(lambda i: i < 10, lambda i: (i + 1,), [gt.constant(0)], maximum_iterations=gt.constant(0))
    assert int(i) == 0


def test_while_loop_gradient_matches_the_closed_form_and_central_differences():
    x = gt.Variable(1.5)
    with gt.GradientTape() as tape:
        (y,) = gt.while_loop(lambda y: y < 100.0, lambda y: (y * y,), [x])
    assert float(y) == pytest.approx(1.5 ** 16, rel=1e-6)
    assert float(tape.gradient(y, x)) == pytest.approx(16 * 1.5 ** 15, rel=1e-5)

    def f(x):
        _, h = gt.while_loop(lambda i, h: i < 3, lambda i, h: (i + 1, gt.tanh(h) * 1.5 + x), (0, x))
        return h
    gt.test.check_gradients(f, [RNG.standard_normal(3)])


def test_while_loop_back_prop_false_stops_gradients():
    x = gt.Variable(2.0)
    with gt.GradientTape() as tape:
        (y,) = gt.while_loop(lambda y: y < 10.0, lambda y: (y * 2.0,), [x], back_prop=False)
    assert float(y) == 16.0 and tape.gradient(y, x) is None


def test_while_loop_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"return a tuple such as \(x,\)"):
        gt.while_loop(lambda i: i < 3, lambda i: i + 1, [gt.constant(0)])
    with pytest.raises(ValueError, match="structure of loop_vars"):
        gt.while_loop(lambda i, j: i < 3, lambda i, j: (i + 1,), (gt.constant(0), gt.constant(0)))
    with pytest.raises(TypeError, match="'cond' must be callable"):
        gt.while_loop(True, lambda i: i, [1])
    with pytest.raises(ValueError, match="must be provided"):
        gt.while_loop(lambda: True, lambda: (), [])
    with pytest.raises(ValueError, match="the result of cond must be a scalar"):
        gt.while_loop(lambda v: v < 3, lambda v: (v + 1,), [gt.constant([0, 1])])


# -- map_fn and vectorized_map ----------------------------------------------------------------
def test_map_fn_applies_fn_per_row_and_stacks():
    x = RNG.standard_normal((5, 3)).astype(np.float32)
    out = gt.map_fn(lambda r: gt.reduce_sum(r * r), gt.constant(x))
    np.testing.assert_allclose(out.numpy(), (x * x).sum(1), rtol=1e-6)
    assert out.shape == (5,)


def test_map_fn_nested_inputs_and_outputs():
    a, b = gt.constant([1.0, 2.0, 3.0]), gt.constant([[1.0], [2.0], [3.0]])
    out = gt.map_fn(lambda ab: {"sum": ab[0] + ab[1][0], "pair": (ab[0], ab[1])}, (a, b))
    np.testing.assert_array_equal(out["sum"].numpy(), [2.0, 4.0, 6.0])
    assert out["pair"][1].shape == (3, 1)


def test_map_fn_gradients_match_the_vectorized_expression_and_central_differences():
    w = gt.Variable(RNG.standard_normal((3, 2)))
    x = gt.constant(RNG.standard_normal((4, 3)))
    with gt.GradientTape(persistent=True) as tape:
        mapped = gt.reduce_sum(gt.map_fn(lambda r: gt.tanh(gt.linalg.matvec(gt.transpose(w), r)), x))
        direct = gt.reduce_sum(gt.tanh(x @ w))
    np.testing.assert_allclose(tape.gradient(mapped, w).numpy(), tape.gradient(direct, w).numpy(), rtol=1e-12)
    gt.test.check_gradients(lambda x: gt.map_fn(lambda r: gt.sin(r) * gt.reduce_sum(r), x),
                            [RNG.standard_normal((3, 2))])


def test_map_fn_empty_and_bad_elems():
    empty = gt.map_fn(lambda r: r, gt.zeros((0, 2)), fn_output_signature=gt.float64)
    assert empty.shape == (0,) and empty.dtype == np.float64
    with pytest.raises(ValueError, match="needs a first dimension"):
        gt.map_fn(lambda r: r, gt.constant(1.0))
    with pytest.raises(ValueError, match="same first dimension"):
        gt.map_fn(lambda ab: ab[0], (gt.zeros(2), gt.zeros(3)))


def test_vectorized_map_equals_map_fn_and_gives_per_example_gradients():
    w = gt.Variable(RNG.standard_normal(3))
    x = gt.constant(RNG.standard_normal((4, 3)))

    def per_example(row):
        with gt.GradientTape() as tape:
            loss = gt.reduce_sum(row * w) ** 2
        return tape.gradient(loss, w)
    grads = gt.vectorized_map(per_example, x)
    expect = 2 * (x.numpy() @ w.numpy())[:, None] * x.numpy()
    np.testing.assert_allclose(grads.numpy(), expect, rtol=1e-12)
    np.testing.assert_array_equal(gt.vectorized_map(gt.exp, x).numpy(), gt.map_fn(gt.exp, x).numpy())


# -- function ---------------------------------------------------------------------------------
def test_function_decorated_train_step_ports_unchanged():
    w = gt.Variable([[0.5], [-0.25]])
    opt = gt.optimizers.SGD(learning_rate=0.02)
    x, y = gt.constant([[1.0, 2.0], [3.0, 4.0]]), gt.constant([[1.0], [2.0]])

    @gt.function
    def train_step(x, y):
        with gt.GradientTape() as tape:
            loss = gt.reduce_mean((x @ w - y) ** 2)
        opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
        return loss

    @gt.function(jit_compile=True, reduce_retracing=True)
    def loss_of(x, y):
        return gt.reduce_mean((x @ w - y) ** 2)
    first = float(train_step(x, y))
    assert float(loss_of(x, y)) < first
    assert train_step.python_function.__name__ == "train_step" and train_step.__name__ == "train_step"


def test_function_on_a_method_and_python_side_effects_every_call():
    seen = []

    class Model(gt.Module):
        def __init__(self):
            super().__init__()
            self.w = gt.Variable(2.0)

        @gt.function
        def __call__(self, x):
            seen.append(1)
            return self.w * x
    m = Model()
    assert float(m(gt.constant(3.0))) == 6.0 and float(m(gt.constant(4.0))) == 8.0
    assert len(seen) == 2  # eager: the Python runs on every call
    with pytest.raises(TypeError, match="must be callable"):
        gt.function(3)


# -- print ------------------------------------------------------------------------------------
def test_print_formats_tensors_by_value_and_summarizes_long_axes():
    buf = io.StringIO()
    gt.print("x:", gt.range(10), gt.constant([[1.5, 2.0]]), gt.constant(0.1), [gt.constant(1), 2.5],
             output_stream=buf)
    assert buf.getvalue() == "x: [0 1 2 ... 7 8 9] [[1.5 2]] 0.1 [1, 2.5]\n"
    buf = io.StringIO()
    gt.print(gt.range(10), summarize=-1, sep="|", end="!", output_stream=buf)
    gt.print(gt.range(10), summarize=1, output_stream=buf)
    assert buf.getvalue() == "[0 1 2 3 4 5 6 7 8 9]![0 ... 9]\n"


def test_print_streams(tmp_path, capsys, caplog):
    gt.print("to stderr", gt.constant(2))
    assert capsys.readouterr().err == "to stderr 2\n"
    path = tmp_path / "log.txt"
    gt.print("a", output_stream=f"file://{path}")
    gt.print("b", output_stream=f"file://{path}")
    assert path.read_text() == "a\nb\n"
    with caplog.at_level(logging.INFO):
        gt.print("logged", gt.constant(1.25), output_stream=logging.getLogger("gt").info)
    assert caplog.messages == ["logged 1.25"]
    with pytest.raises(ValueError, match="file://path"):
        gt.print("x", output_stream="stdout")


def test_print_float_formatting_reads_back():
    buf = io.StringIO()
    gt.print(gt.constant([0.1, 1.0 / 3.0]), gt.constant(0.1, dtype=gt.float64), gt.constant(2.0 / 3.0, dtype=gt.float64),
             output_stream=buf)
    # float32: six digits when they read back, else nine; float64: fifteen, else seventeen
    assert buf.getvalue() == "[0.1 0.333333343] 0.1 0.66666666666666663\n"
    assert np.float32("0.333333343") == np.float32(1.0 / 3.0) and float("0.66666666666666663") == 2.0 / 3.0


# -- nest -------------------------------------------------------------------------------------
def test_nest_flatten_and_pack_sort_dict_keys_and_keep_none_as_a_leaf():
    Point = collections.namedtuple("Point", "x y")
    s = {"b": [1, None], "a": Point(2, (3,)), "c": collections.OrderedDict([("z", 4), ("y", 5)])}
    flat = gt.nest.flatten(s)
    assert flat == [2, 3, 1, None, 5, 4]
    back = gt.nest.pack_sequence_as(s, flat)
    assert back == s and isinstance(back["a"], Point)
    assert gt.nest.flatten(None) == [None]
    with pytest.raises(ValueError, match="6 leaves"):
        gt.nest.pack_sequence_as(s, [1, 2])


def test_nest_assert_same_structure_and_map_structure():
    gt.nest.assert_same_structure([1, (2, {"k": 3})], [4, (5, {"k": 6})])
    with pytest.raises(TypeError, match="sequence type"):
        gt.nest.assert_same_structure([1, 2], (1, 2))
    gt.nest.assert_same_structure([1, 2], (1, 2), check_types=False)
    with pytest.raises(ValueError, match="number of elements"):
        gt.nest.assert_same_structure([1, 2], [1])
    with pytest.raises(ValueError, match="different keys"):
        gt.nest.assert_same_structure({"a": 1}, {"b": 1})
    with pytest.raises(ValueError, match="nested structure"):
        gt.nest.assert_same_structure([1], [[1]])
    assert gt.nest.map_structure(lambda a, b: a * b, {"x": 2, "y": [3]}, {"x": 5, "y": [7]}) == {"x": 10, "y": [21]}
    assert gt.nest.is_nested((1,)) and not gt.nest.is_nested(gt.constant([1, 2]))


# -- config and device ------------------------------------------------------------------------
def test_config_reports_one_cpu_and_no_gpu():
    assert gt.config.list_physical_devices("GPU") == []
    (cpu,) = gt.config.list_physical_devices("CPU")
    assert cpu.device_type == "CPU" and cpu.name == "/physical_device:CPU:0"
    assert gt.config.list_physical_devices() == [cpu]
    assert [d.name for d in gt.config.list_logical_devices("cpu")] == ["/device:CPU:0"]
    with pytest.raises(ValueError, match="device_type 'QPU'"):
        gt.config.list_physical_devices("QPU")
    gt.config.run_functions_eagerly(False)
    assert gt.config.functions_run_eagerly() is True


def test_device_context_records_on_the_tape():
    x = gt.Variable(3.0)
    with gt.GradientTape() as tape:
        with gt.device("/GPU:0"):
            y = x * x
    assert float(tape.gradient(y, x)) == 6.0
    with pytest.raises(TypeError, match="device_name must be a string"):
        with gt.device(0):
            pass


# -- scan, foldl, foldr -----------------------------------------------------------------------
def test_scan_matches_cumsum_with_and_without_initializer_and_reversed():
    x = RNG.standard_normal(6)
    np.testing.assert_allclose(gt.scan(lambda a, v: a + v, gt.constant(x)).numpy(), np.cumsum(x))
    one = gt.constant(1.0, dtype=gt.float64)
    np.testing.assert_allclose(gt.scan(lambda a, v: a + v, gt.constant(x), initializer=one).numpy(), 1.0 + np.cumsum(x))
    np.testing.assert_allclose(gt.scan(lambda a, v: a + v, gt.constant(x), reverse=True).numpy(),
                               np.cumsum(x[::-1])[::-1])
    empty = gt.scan(lambda a, v: a + v, gt.zeros((0, 2)), initializer=gt.zeros(2))
    assert empty.shape == (0, 2)
    with pytest.raises(ValueError, match="no initializer"):
        gt.scan(lambda a, v: a + v, gt.zeros((0,)))


def test_scan_structures_and_gradients():
    # an accumulator pair (running sum, running product) over two sequences
    xs, ys = gt.constant([1.0, 2.0, 3.0]), gt.constant([2.0, 2.0, 2.0])
    s, p = gt.scan(lambda acc, e: (acc[0] + e[0], acc[1] * e[1]), (xs, ys), initializer=(gt.constant(0.0), gt.constant(1.0)))
    np.testing.assert_array_equal(s.numpy(), [1.0, 3.0, 6.0])
    np.testing.assert_array_equal(p.numpy(), [2.0, 4.0, 8.0])
    gt.test.check_gradients(lambda x: gt.scan(lambda a, v: gt.tanh(a) * v + v, x), [RNG.standard_normal((4, 2))])
    gt.test.check_gradients(lambda x: gt.scan(lambda a, v: a * v, x, reverse=True), [RNG.standard_normal(4)])


def test_foldl_foldr_order_and_gradients():
    x = gt.constant([1.0, 2.0, 3.0])
    assert float(gt.foldl(lambda a, v: a * 10.0 + v, x)) == 123.0
    assert float(gt.foldr(lambda a, v: a * 10.0 + v, x)) == 321.0
    assert float(gt.foldl(lambda a, v: a - v, x, initializer=gt.constant(10.0))) == 4.0
    gt.test.check_gradients(lambda x: gt.foldl(lambda a, v: a * gt.sin(v) + v, x), [RNG.standard_normal(4)])
    w = gt.Variable(2.0)
    with gt.GradientTape() as tape:
        y = gt.foldr(lambda a, v: a * w + v, x, back_prop=False)
    assert tape.gradient(y, w) is None


# -- TensorArray ------------------------------------------------------------------------------
def test_tensor_array_in_a_loop_carries_gradients():
    w = gt.Variable(1.5)
    with gt.GradientTape() as tape:
        ta = gt.TensorArray(gt.float32, size=4)
        h = gt.constant(1.0)
        for i in range(4):
            h = h * w
            ta = ta.write(i, h)
        out = ta.stack()
        loss = gt.reduce_sum(out)
    np.testing.assert_allclose(out.numpy(), [1.5, 2.25, 3.375, 5.0625])
    assert float(tape.gradient(loss, w)) == pytest.approx(1 + 2 * 1.5 + 3 * 1.5 ** 2 + 4 * 1.5 ** 3, rel=1e-6)


def test_tensor_array_read_gather_concat_unstack_scatter():
    ta = gt.TensorArray(gt.float32, size=0, dynamic_size=True).unstack(gt.constant([[1.0, 2.0], [3.0, 4.0]]))
    assert int(ta.size()) == 2 and ta.element_shape == (2,)
    np.testing.assert_array_equal(ta.read(1).numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(ta.gather([1, 0]).numpy(), [[3.0, 4.0], [1.0, 2.0]])
    np.testing.assert_array_equal(ta.concat().numpy(), [1.0, 2.0, 3.0, 4.0])
    sc = gt.TensorArray(gt.float32, size=3, element_shape=(1,)).scatter([2, 0], gt.constant([[5.0], [6.0]]))
    np.testing.assert_array_equal(sc.stack().numpy(), [[6.0], [0.0], [5.0]])  # unwritten: zeros
    assert gt.TensorArray(gt.float32, size=0).stack().shape == (0,)


def test_tensor_array_errors_leave_it_usable():
    ta = gt.TensorArray(gt.float32, size=2)
    ta.write(0, [1.0, 2.0])
    with pytest.raises(IndexError, match="dynamic_size=True"):
        ta.write(2, [0.0, 0.0])
    with pytest.raises(ValueError, match="already been written"):
        ta.write(0, [0.0, 0.0])
    with pytest.raises(TypeError, match="holds float32 but the value is float64"):
        ta.write(1, gt.constant([1.0, 2.0], dtype=gt.float64))
    with pytest.raises(ValueError, match=r"shape \(2,\) but the value has shape \(3,\)"):
        ta.write(1, [1.0, 2.0, 3.0])
    ta.write(1, [3.0, 4.0])
    np.testing.assert_array_equal(ta.stack().numpy(), [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="never written"):
        gt.TensorArray(gt.float32, size=1).read(0)


# -- utilities --------------------------------------------------------------------------------
def test_small_tensorflow_utilities():
    x = gt.constant([1.0, 2.0])
    assert x[:, gt.newaxis].shape == (2, 1)
    assert gt.executing_eagerly() and gt.is_tensor(x) and gt.is_tensor(gt.Variable(1.0)) and not gt.is_tensor(np.ones(2))
    with gt.name_scope("layer") as scope:
        assert scope == "layer/"
    np.testing.assert_array_equal(gt.get_static_value(x), [1.0, 2.0])
    np.testing.assert_array_equal(gt.get_static_value([1, 2]), [1, 2])
    assert gt.ensure_shape(x, [None]) is x
    with pytest.raises(ValueError, match=r"shape \(2,\), which is not compatible with the expected shape \(3,\)"):
        gt.ensure_shape(x, [3])


def test_tensor_spec():
    spec = gt.TensorSpec([None, 3], gt.float32, name="x")
    assert spec.is_compatible_with(gt.zeros((7, 3)))
    assert not spec.is_compatible_with(gt.zeros((7, 3), dtype=gt.float64))
    assert not spec.is_compatible_with(gt.zeros((3,)))
    assert spec.is_compatible_with(gt.TensorSpec([2, 3]))
    assert not gt.TensorSpec([2, 3]).is_compatible_with(spec)
    assert gt.TensorSpec.from_tensor(gt.zeros((2, 3))) == gt.TensorSpec((2, 3), gt.float32)
    assert "shape=(None, 3)" in repr(spec)

    @gt.function(input_signature=[gt.TensorSpec([None], gt.float32)])
    def double(v):
        return v * 2.0
    np.testing.assert_array_equal(double(gt.constant([1.0])).numpy(), [2.0])


def test_grad_pass_through_is_a_straight_through_estimator():
    x = gt.Variable([0.4, 1.6])
    with gt.GradientTape() as tape:
        y = gt.reduce_sum(gt.grad_pass_through(gt.round)(x) * gt.constant([1.0, 2.0]))
    assert float(y) == 4.0
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0, 2.0])


def test_numpy_function_has_no_gradient_and_py_function_has_one():
    x = gt.Variable([1.0, 2.0])
    with gt.GradientTape(persistent=True) as tape:
        a = gt.numpy_function(lambda v: np.sin(v), [x], gt.float32)
        b = gt.py_function(lambda v: gt.sin(v), [x], gt.float32)
        c, d = gt.py_function(lambda v: [v * 2.0, gt.reduce_sum(v)], [x], [gt.float32, gt.float32])
    np.testing.assert_allclose(a.numpy(), b.numpy())
    assert tape.gradient(a, x) is None
    np.testing.assert_allclose(tape.gradient(b, x).numpy(), np.cos([1.0, 2.0]), rtol=1e-6)
    assert float(d) == 3.0 and tape.gradient(c, x).numpy().tolist() == [2.0, 2.0]
    with pytest.raises(TypeError, match="float64 tensor where Tout says float32"):
        gt.py_function(lambda v: gt.cast(v, gt.float64), [x], gt.float32)
    with pytest.raises(ValueError, match="returned 1 values but Tout lists 2"):
        gt.numpy_function(lambda v: v, [x], [gt.float32, gt.float32])
