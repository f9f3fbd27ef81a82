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
