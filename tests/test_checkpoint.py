"""gt.train.Checkpoint: round trips, lazy optimizer slots, atomic saves, all-or-nothing restores."""

import os

import numpy as np
import pytest

import gradtape as gt
import gradtape.train as train_mod

X = np.random.default_rng(0).standard_normal((8, 5)).astype(np.float32)
Y = np.random.default_rng(1).integers(0, 3, 8)


def make_model(hidden=4):
    m = gt.layers.Sequential([gt.layers.Dense(hidden, activation="relu"), gt.layers.BatchNormalization(),
                              gt.layers.Dense(3)])
    m(X)
    return m


def step(model, opt, n=1):
    loss_fn = gt.losses.SparseCategoricalCrossentropy(from_logits=True)
    for _ in range(n):
        with gt.GradientTape() as tape:
            loss = loss_fn(Y, model(X, training=True))
        opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))


def snapshot(*objs):
    out = []
    for o in objs:
        vs = o.variables() if isinstance(o, gt.optimizers.Optimizer) else o.variables
        out.extend(np.array(v.numpy(), copy=True) for v in vs)
    return out


def same(a, b):
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b))


def test_round_trip_restores_model_and_lazily_created_optimizer_slots(tmp_path):
    model, opt = make_model(), gt.optimizers.Adam(0.05)
    step(model, opt, 3)
    ckpt = gt.train.Checkpoint(model=model, optimizer=opt)
    path = ckpt.save(tmp_path / "ckpt")
    assert path == str(tmp_path / "ckpt.npz") and os.path.isfile(path)
    assert int(ckpt.save_counter) == 1
    step(model, opt, 2)
    expected = snapshot(model, opt)

    model2, opt2 = make_model(), gt.optimizers.Adam(0.05)  # built model, optimizer without slots yet
    assert len(opt2.variables()) == 1
    status = gt.train.Checkpoint(model=model2, optimizer=opt2).restore(path)
    status.assert_consumed()
    assert int(opt2.iterations) == 3 and len(opt2.variables()) == len(opt.variables())
    step(model2, opt2, 2)
    assert same(snapshot(model2, opt2), expected)  # training continues exactly


def test_file_is_plain_npz_with_path_names(tmp_path):
    model, opt = make_model(), gt.optimizers.SGD(0.1, momentum=0.9)
    step(model, opt)
    path = gt.train.Checkpoint(model=model, optimizer=opt, step=gt.Variable(7)).write(tmp_path / "c.npz")
    assert path.endswith("c.npz")
    with np.load(path) as z:
        keys = set(z.files)
        np.testing.assert_array_equal(z["model/layers/0/kernel"], model.layers[0].kernel.numpy())
        assert int(z["step"]) == 7
    assert {"model/layers/1/moving_mean", "optimizer/iterations", "save_counter",
            "optimizer/slots/momentum/model/layers/2/bias"} <= keys
    names = gt.train.Checkpoint.list_variables(path)
    assert names["model/layers/0/kernel"] == (5, 4)
    assert not [f for f in os.listdir(tmp_path) if f != "c.npz"]  # no temporary files left


def test_shape_mismatch_fails_clearly_and_changes_nothing(tmp_path):
    model, opt = make_model(hidden=4), gt.optimizers.Adam()
    step(model, opt)
    path = gt.train.Checkpoint(model=model, optimizer=opt).save(tmp_path / "ckpt")
    other, other_opt = make_model(hidden=6), gt.optimizers.Adam()
    step(other, other_opt, 2)
    before = snapshot(other, other_opt)
    ckpt = gt.train.Checkpoint(model=other, optimizer=other_opt)
    with pytest.raises(ValueError) as e:
        ckpt.restore(path)
    msg = str(e.value)
    assert "model/layers/0/kernel" in msg and "(5, 4)" in msg and "(5, 6)" in msg
    assert "nothing was changed" in msg
    # variables whose shapes did match (the last layer's bias, iterations) were not assigned either
    assert same(snapshot(other, other_opt), before)
    assert int(ckpt.save_counter) == 0


def test_restore_into_unbuilt_model_names_the_missing_variables(tmp_path):
    model = make_model()
    path = gt.train.Checkpoint(model=model).save(tmp_path / "ckpt")
    fresh = gt.layers.Sequential([gt.layers.Dense(4), gt.layers.BatchNormalization(), gt.layers.Dense(3)])
    with pytest.raises(ValueError, match="model/layers/0/kernel.*matches no variable.*call"):
        gt.train.Checkpoint(model=fresh).restore(path)


def test_missing_variable_and_wrong_slot_layout_fail(tmp_path):
    w = gt.Variable([1.0, 2.0])
    p = gt.train.Checkpoint(w=w).write(tmp_path / "w")
    with pytest.raises(ValueError, match="'v'.*missing"):
        gt.train.Checkpoint(w=w, v=gt.Variable(0.0)).restore(p)
    model, opt = make_model(), gt.optimizers.SGD(0.1, momentum=0.9)
    step(model, opt)
    p2 = gt.train.Checkpoint(model=model, optimizer=opt).write(tmp_path / "m")
    before = snapshot(model)
    with pytest.raises(ValueError, match="no slot 'momentum'"):
        gt.train.Checkpoint(model=model, optimizer=gt.optimizers.SGD(0.1)).restore(p2)
    assert same(snapshot(model), before)
    with pytest.raises(FileNotFoundError):
        gt.train.Checkpoint(w=w).restore(tmp_path / "nope")


def test_partial_restore_ignores_objects_not_given(tmp_path):
    model, opt = make_model(), gt.optimizers.Adam()
    step(model, opt)
    p = gt.train.Checkpoint(model=model, optimizer=opt).save(tmp_path / "ckpt")
    model2 = make_model()
    status = gt.train.Checkpoint(model=model2).restore(p)
    assert same(snapshot(model2), snapshot(model))
    assert "optimizer/iterations" in status.ignored
    with pytest.raises(AssertionError, match="optimizer/iterations"):
        status.assert_consumed()
    status.expect_partial()


def test_restore_drops_slots_created_after_the_save(tmp_path):
    model, opt = make_model(), gt.optimizers.Adam(0.05)
    ckpt = gt.train.Checkpoint(model=model, optimizer=opt)
    p = ckpt.save(tmp_path / "ckpt")  # before any step: no slots
    start = snapshot(model)
    step(model, opt, 2)
    ckpt.restore(p)
    assert len(opt.variables()) == 1 and int(opt.iterations) == 0
    assert same(snapshot(model), start)
    step(model, opt, 2)
    model_b, opt_b = make_model(), gt.optimizers.Adam(0.05)
    gt.train.Checkpoint(model=model_b, optimizer=opt_b).restore(p)
    step(model_b, opt_b, 2)
    assert same(snapshot(model), snapshot(model_b))


def _fail_after_first_array(monkeypatch):
    real = np.lib.format.write_array
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError("disk full (simulated)")
        return real(*args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", flaky)


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_failed_save_leaves_previous_checkpoint_intact(tmp_path, monkeypatch, where):
    model, opt = make_model(), gt.optimizers.Adam()
    step(model, opt)
    ckpt = gt.train.Checkpoint(model=model, optimizer=opt)
    path = ckpt.save(tmp_path / "ckpt")
    with open(path, "rb") as f:
        good = f.read()
    saved = snapshot(model, opt)
    step(model, opt, 2)
    if where == "write":
        _fail_after_first_array(monkeypatch)
    elif where == "fsync":
        monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError("fsync failed")))
    else:
        monkeypatch.setattr(os, "replace", lambda a, b: (_ for _ in ()).throw(OSError("crash before rename")))
    with pytest.raises(OSError):
        ckpt.save(tmp_path / "ckpt")
    monkeypatch.undo()
    with open(path, "rb") as f:
        assert f.read() == good
    assert os.listdir(tmp_path) == ["ckpt.npz"]  # the temporary file was removed
    assert int(ckpt.save_counter) == 1
    ckpt.restore(path)
    assert same(snapshot(model, opt), saved)


def test_atomic_writer_writes_through_temp_file_and_rename(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((os.path.dirname(src), os.path.basename(src), dst))
        assert os.path.isfile(src) and not os.path.exists(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    train_mod.atomic_write_npz(str(tmp_path / "a.npz"), {"x": np.arange(3)})
    (d, name, dst), = seen
    assert d == str(tmp_path) and name.endswith(".tmp") and dst == str(tmp_path / "a.npz")


def test_read_write_aliases_metrics_and_variable_lists(tmp_path):
    metric = gt.metrics.Mean()
    metric.update_state([1.0, 3.0])
    vs = [gt.Variable([1.0]), gt.Variable([2.0, 3.0])]
    ckpt = gt.train.Checkpoint(metric=metric, vs=vs)
    p = ckpt.write(tmp_path / "x")
    assert int(ckpt.save_counter) == 0  # write does not count
    metric.reset_state()
    vs[1].assign([0.0, 0.0])
    ckpt.read(p)
    assert float(metric.result()) == 2.0
    np.testing.assert_array_equal(vs[1].numpy(), [2.0, 3.0])
    with pytest.raises(ValueError):
        gt.train.Checkpoint(thing=object())
    with pytest.raises(ValueError):
        gt.train.Checkpoint(**{"a/b": gt.Variable(1.0)})
