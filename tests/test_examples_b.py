"""Reduced-size runs of examples/rl_cartpole.py, pinn.py, maml.py, scientific.py, wgan_gp.py and
keras_fit.py: each must learn."""

import importlib.util
import json
import os
import sys

import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "examples")


def load_example(name):
    if EXAMPLES not in sys.path:
        sys.path.insert(0, EXAMPLES)  # the examples import their shared helpers from examples/
    path = os.path.join(EXAMPLES, f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rl_cartpole_policy_gradient_improves_the_return(tmp_path):
    rl = load_example("rl_cartpole")
    r = rl.main(["--iterations", "20", "--envs", "16", "--max-steps", "200", "--lr", "1e-2",
                 "--eval-episodes", "50", "--check-every", "100", "--seed", "0", "--quiet",
                 "--out", str(tmp_path)])
    assert r["initial_mean_return"] < 40  # a random policy drops the pole within ~20 steps
    assert r["eval_sampled_mean_return"] > 3 * r["initial_mean_return"]
    assert r["eval_mean_return"] > 100
    with open(tmp_path / "history.json") as f:
        assert len(json.load(f)["history"]) == r["iterations"]


def test_cartpole_dynamics_terminate_and_reward():
    rl = load_example("rl_cartpole")
    env = rl.CartPoleBatch(4, seed=0, max_steps=500)
    env.reset()
    total = 0.0
    for _ in range(200):  # always pushing right tips the pole over within a few dozen steps
        _, r, done = env.step([1, 1, 1, 1])
        total += r
    assert done.all() and (total > 5).all() and (total < 60).all()
    assert rl.CartPoleBatch.theta_threshold == pytest.approx(12 * 3.141592653589793 / 180)


def test_pinn_matches_the_exact_oscillator(tmp_path):
    pinn = load_example("pinn")
    r = pinn.main(["--steps", "1000", "--points", "32", "--t-max", "1", "--hidden", "16",
                   "--lr", "2e-2", "--seed", "0", "--quiet", "--out", str(tmp_path)])
    assert r["initial_max_abs_error"] > 0.5
    assert r["final_loss"] < r["first_loss"] / 1000
    assert r["max_abs_error"] < 0.02


def test_pinn_nested_tapes_give_the_input_derivatives():
    import numpy as np

    import gradtape as gt

    pinn = load_example("pinn")
    gt.random.set_seed(0)
    net = pinn.build_network(8, 2)
    t = np.linspace(0.0, 1.0, 7)[:, None]
    u, du, d2u = pinn.derivatives(net, gt.constant(t), 1.0)
    h = 1e-4
    f = lambda s: net(gt.constant(t + s)).numpy()  # noqa: E731
    np.testing.assert_allclose(du.numpy(), (f(h) - f(-h)) / (2 * h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(d2u.numpy(), (f(h) - 2 * f(0) + f(-h)) / h ** 2, rtol=1e-4, atol=1e-5)


def test_maml_adapts_better_than_the_baselines(tmp_path):
    maml = load_example("maml")
    r = maml.main(["--meta-iterations", "500", "--test-tasks", "100", "--eval-steps", "5",
                   "--seed", "0", "--quiet", "--out", str(tmp_path)])
    mse = r["mse"]
    assert mse["maml"]["1"] < 0.75 * mse["maml"]["0"]  # the initialization is made to adapt
    assert mse["maml"]["1"] < 0.8 * mse["pretrained"]["1"]
    assert mse["maml"]["5"] < 0.8 * mse["pretrained"]["5"]
    assert mse["maml"]["5"] < 0.6 * mse["random_init"]["5"]
    assert r["last_meta_loss"] < 0.8 * r["first_meta_loss"]


def test_maml_meta_gradient_is_second_order():
    import numpy as np

    import gradtape as gt

    maml = load_example("maml")
    rng = np.random.default_rng(0)
    params = maml.init_params(rng, (1, 8, 8, 1))
    xs, ys, xq, yq = maml.sample_tasks(rng, 3, 5, 5)[:4]

    def meta_grads(first_order):
        with gt.GradientTape() as outer:
            fast = maml.adapt(maml.per_task(params, 3), xs, ys, 0.1, 1, first_order)
            loss = gt.reduce_mean(maml.task_mse(fast, xq, yq))
        return [g.numpy() for g in outer.gradient(loss, params)]

    second, first = meta_grads(False), meta_grads(True)
    assert max(np.abs(a - b).max() for a, b in zip(second, first)) > 1e-4
    # Central differences of the meta-loss for one weight agree with the second-order gradient.
    w = params[2]
    base = w.numpy().copy()

    def meta_loss(value):
        w.assign(value)
        fast = maml.adapt(maml.per_task(params, 3), xs, ys, 0.1, 1)
        return float(gt.reduce_mean(maml.task_mse(fast, xq, yq)))

    e = np.zeros_like(base)
    e[1, 2] = 1e-3
    fd = (meta_loss(base + e) - meta_loss(base - e)) / 2e-3
    w.assign(base)
    assert fd == pytest.approx(second[2][1, 2], rel=2e-2, abs=1e-4)


def test_scientific_recovers_parameters_and_newton_converges(tmp_path):
    sci = load_example("scientific")
    r = sci.main(["--fit-steps", "150", "--h", "0.25", "--n", "20", "--seed", "0", "--quiet",
                  "--out", str(tmp_path)])
    assert r["gradient_check_rel_error"] < 1e-6
    assert r["initial_max_rel_param_error"] > 0.3
    assert r["max_rel_param_error"] < 0.1
    assert r["newton_residuals"][-1] < 1e-9 and r["newton_iterations"] <= 6
    assert r["jacobian_rel_error"] < 1e-12
    assert r["bratu_max_error"] < 1e-3
    assert os.path.exists(tmp_path / "result.json")


def test_wgan_gp_generator_covers_the_modes(tmp_path):
    wgan = load_example("wgan_gp")
    r = wgan.main(["--iterations", "250", "--batch", "128", "--eval-samples", "500", "--seed", "0",
                   "--quiet", "--out", str(tmp_path)])
    assert r["initial_modes_covered"] == 0
    assert r["modes_covered"] >= 6
    assert r["fraction_near_mode"] > 0.25
    assert r["energy_distance"] < 0.1 * r["initial_energy_distance"]


def test_wgan_gradient_penalty_reaches_every_critic_weight():
    import numpy as np

    import gradtape as gt

    wgan = load_example("wgan_gp")
    gt.random.set_seed(0)
    critic = wgan.mlp(16, 2, 1)
    rng = np.random.default_rng(0)
    real = gt.constant(wgan.sample_data(rng, 32, 0.05))
    fake = gt.constant(rng.standard_normal((32, 2)).astype(np.float32))
    eps = gt.constant(rng.random((32, 1)).astype(np.float32))
    with gt.GradientTape() as tape:
        gp = wgan.gradient_penalty(critic, real, fake, eps)
    grads = tape.gradient(gp, critic.trainable_variables)
    kernels = [g for v, g in zip(critic.trainable_variables, grads) if "kernel" in v.name]
    # The penalty depends on the weights only through grad_x D: a second-order path.
    assert all(g is not None and float(gt.reduce_max(gt.abs(g))) > 0 for g in kernels)


def test_keras_fit_example_learns_the_digits(tmp_path):
    kf = load_example("keras_fit")
    r = kf.main(["--epochs", "6", "--quiet", "--out", str(tmp_path)])
    assert r["test_accuracy"] > 0.9  # chance is 0.1
    assert r["predicted_matches_evaluate"] == pytest.approx(r["test_accuracy"], abs=1e-6)
    assert len(r["history"]["loss"]) == r["epochs_run"] and r["history"]["loss"][-1] < r["history"]["loss"][0]
    assert (tmp_path / "best.weights.npz").exists() and (tmp_path / "result.json").exists()
