"""Second-order MAML on sine-wave regression (Finn, Abbeel & Levine, 2017).

Each task is a sine ``y = A sin(x - phi)`` with ``A ~ U[0.1, 5]``, ``phi ~ U[0, pi]`` and
``x ~ U[-5, 5]``; a learner sees ``K`` points (the support set) and must predict the rest.
MAML learns an initialization ``theta`` of a 1-40-40-1 ReLU network from which a few gradient
steps on the support set fit the task:

    theta'_i = theta - alpha * grad L_support_i(theta)             (inner tape)
    theta   <- Adam step on  mean_i L_query_i(theta'_i)            (outer tape)

The inner gradient is taken while the outer tape is recording, so the outer gradient flows
through it: this is the full second-order MAML, not the first-order approximation. All the
tasks of a meta-batch are processed at once: the parameters are broadcast to one copy per task
(batched matrix products), and the gradient of the sum of the task losses with respect to the
copies is every task's own gradient.

After meta-training, new tasks are adapted with the same ``alpha`` from three starting points:
the MAML initialization, the same network's random initialization, and a network pretrained
by plain regression on all tasks at once (the baseline of the paper). The summary reports the
query MSE after 0, 1 and ``--eval-steps`` adaptation steps on ``K`` points.

    python examples/maml.py
    python examples/maml.py --meta-iterations 300     # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Sequence

import numpy as np

try:
    import gradtape as gt
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
    import gradtape as gt

from _common import add_run_options, run_with_threads  # noqa: E402  (examples/ is the script's directory)


def sample_tasks(rng: np.random.Generator, n_tasks: int, n_support: int, n_query: int):
    """``(xs, ys, xq, yq)``, each float32 of shape (n_tasks, n, 1), and the amplitudes and phases."""
    amp = rng.uniform(0.1, 5.0, size=(n_tasks, 1, 1))
    phase = rng.uniform(0.0, np.pi, size=(n_tasks, 1, 1))
    xs = rng.uniform(-5.0, 5.0, size=(n_tasks, n_support, 1))
    xq = rng.uniform(-5.0, 5.0, size=(n_tasks, n_query, 1))
    f = lambda x: amp * np.sin(x - phase)  # noqa: E731
    c = lambda a: gt.constant(a.astype(np.float32))  # noqa: E731
    return c(xs), c(f(xs)), c(xq), c(f(xq)), amp[:, 0, 0], phase[:, 0, 0]


def init_params(rng: np.random.Generator, sizes=(1, 40, 40, 1)) -> list:
    """Weights and biases of a ReLU MLP as ``gt.Variable``s (Glorot-uniform weights, zero biases)."""
    params = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        lim = np.sqrt(6.0 / (n_in + n_out))
        params.append(gt.Variable(rng.uniform(-lim, lim, (n_in, n_out)).astype(np.float32), name=f"w{i}"))
        params.append(gt.Variable(np.zeros(n_out, np.float32), name=f"b{i}"))
    return params


def forward(params: list, x):
    """The MLP on ``x`` of shape (tasks, n, 1); weights may be shared (2-D) or per task (3-D)."""
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        w, b = params[2 * i], params[2 * i + 1]
        h = gt.matmul(h, w)
        h = h + (b[:, None, :] if len(b.shape) == 2 else b)
        if i < n_layers - 1:
            h = gt.nn.relu(h)
    return h


def task_mse(params: list, x, y):
    """The MSE of each task, shape (tasks,)."""
    return gt.reduce_mean((forward(params, x) - y) ** 2, axis=[1, 2])


def per_task(params: list, n_tasks: int) -> list:
    """One copy of each parameter per task (a broadcast: gradients flow back to ``params``)."""
    return [gt.broadcast_to(p[None], (n_tasks,) + tuple(p.shape)) for p in params]


def adapt(fast: list, xs, ys, alpha: float, steps: int, first_order: bool = False) -> list:
    """``steps`` gradient steps of each task's copy of the parameters on its support set.

    A tape recording outside (the meta-update's) records the steps, gradients included, so it
    differentiates through them; ``first_order`` cuts the gradients out of that recording.
    """
    for _ in range(steps):
        with gt.GradientTape() as inner:
            for p in fast:
                inner.watch(p)
            loss = gt.reduce_sum(task_mse(fast, xs, ys))  # task i's loss only reaches copy i
        grads = inner.gradient(loss, fast)
        if first_order:
            grads = [gt.stop_gradient(g) for g in grads]
        fast = [p - alpha * g for p, g in zip(fast, grads)]
    return fast


def evaluate(params: list, tasks, alpha: float, steps_list: Sequence[int]) -> dict:
    """Mean query MSE over the tasks after each number of adaptation steps in ``steps_list``."""
    xs, ys, xq, yq = tasks[:4]
    out = {}
    fast = per_task(params, xs.shape[0])
    done = 0
    for steps in sorted(steps_list):
        fast = adapt(fast, xs, ys, alpha, steps - done)
        done = steps
        out[steps] = float(gt.reduce_mean(task_mse(fast, xq, yq)))
    return out


def meta_train(params: list, rng, iterations: int, meta_batch: int, k: int, alpha: float,
               inner_steps: int, lr: float, say, first_order: bool = False) -> list:
    opt = gt.optimizers.Adam(lr)
    losses = []
    t0 = time.perf_counter()
    for it in range(1, iterations + 1):
        xs, ys, xq, yq = sample_tasks(rng, meta_batch, k, k)[:4]
        with gt.GradientTape() as outer:
            fast = adapt(per_task(params, meta_batch), xs, ys, alpha, inner_steps, first_order)
            meta_loss = gt.reduce_mean(task_mse(fast, xq, yq))
        opt.apply_gradients(zip(outer.gradient(meta_loss, params), params))
        losses.append(float(meta_loss))
        if it % max(1, iterations // 10) == 0:
            say(f"meta-iteration {it:6d}  post-adaptation query MSE (running mean) "
                f"{np.mean(losses[-200:]):.3f}  ({time.perf_counter() - t0:.0f}s)")
    return losses


def pretrain(params: list, rng, iterations: int, batch: int, k: int, lr: float) -> None:
    """The paper's baseline: plain regression on points from many tasks (no adaptation)."""
    opt = gt.optimizers.Adam(lr)
    for _ in range(iterations):
        xs, ys = sample_tasks(rng, batch, k, 1)[:2]
        with gt.GradientTape() as tape:
            loss = gt.reduce_mean(task_mse(params, xs, ys))
        opt.apply_gradients(zip(tape.gradient(loss, params), params))


def _write_plot(path: str, curves: dict, task: tuple) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    xs, ys, x, y = task
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(x, y, "k-", lw=2, label="true task")
    ax.plot(xs, ys, "k^", label="K support points")
    for name, pred in curves.items():
        ax.plot(x, pred, "--", label=name)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def parse_args(argv: Sequence[str] | None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--meta-iterations", type=int, default=20000)
    p.add_argument("--meta-batch", type=int, default=25, help="tasks per meta-iteration")
    p.add_argument("--k", type=int, default=10, help="support points per task (K-shot)")
    p.add_argument("--alpha", type=float, default=0.01, help="inner learning rate")
    p.add_argument("--inner-steps", type=int, default=1, help="inner steps during meta-training")
    p.add_argument("--eval-steps", type=int, default=10, help="most adaptation steps at test time")
    p.add_argument("--lr", type=float, default=1e-3, help="meta learning rate (Adam)")
    p.add_argument("--hidden", type=int, default=40)
    p.add_argument("--test-tasks", type=int, default=500)
    p.add_argument("--first-order", action="store_true", help="drop the second-order terms (FOMAML)")
    add_run_options(p)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the example with command-line arguments ``argv``; returns the results as a dict."""
    return run_with_threads(run, parse_args(argv))


def run(args: argparse.Namespace) -> dict[str, Any]:
    say = (lambda *a: None) if args.quiet else print
    t0 = time.perf_counter()
    sizes = (1, args.hidden, args.hidden, 1)
    params = init_params(np.random.default_rng(args.seed), sizes)
    random_init = [gt.constant(p.numpy()) for p in params]
    rng = np.random.default_rng(args.seed + 1)
    losses = meta_train(params, rng, args.meta_iterations, args.meta_batch, args.k, args.alpha,
                        args.inner_steps, args.lr, say, first_order=args.first_order)
    meta_seconds = time.perf_counter() - t0

    pretrained = init_params(np.random.default_rng(args.seed), sizes)
    pretrain(pretrained, np.random.default_rng(args.seed + 2), args.meta_iterations,
             args.meta_batch, args.k, args.lr)

    test = sample_tasks(np.random.default_rng(args.seed + 3), args.test_tasks, args.k, 100)
    steps_list = sorted({0, 1, args.eval_steps})
    table = {name: evaluate(p, test, args.alpha, steps_list)
             for name, p in [("maml", params), ("pretrained", pretrained), ("random_init", random_init)]}
    result: dict[str, Any] = {"mse": {n: {str(s): v for s, v in r.items()} for n, r in table.items()}}
    for name, r in table.items():
        result[f"{name}_mse_1_step"] = r[1]
        result[f"{name}_mse_{args.eval_steps}_steps"] = r[args.eval_steps]
    result.update(meta_seconds=meta_seconds, first_meta_loss=float(np.mean(losses[:20])),
                  last_meta_loss=float(np.mean(losses[-200:])), seconds=time.perf_counter() - t0)

    say(f"query MSE on {args.test_tasks} new tasks after adaptation on K={args.k} points "
        f"(alpha={args.alpha}):")
    say("  start from        " + "".join(f"{s:>3d} steps " for s in steps_list))
    for name, r in table.items():
        say(f"  {name:16s}  " + "".join(f"{r[s]:9.3f} " for s in steps_list))
    say(f"meta-training: {args.meta_iterations} iterations of {args.meta_batch} tasks in "
        f"{meta_seconds:.1f}s; total {result['seconds']:.1f}s")

    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "result.json"), "w") as f:
            json.dump(result, f, indent=1)
        one = sample_tasks(np.random.default_rng(args.seed + 4), 1, args.k, 1)
        xs, ys = one[0], one[1]
        x = np.linspace(-5, 5, 200)
        y = one[4][0] * np.sin(x - one[5][0])
        xg = gt.constant(x[None, :, None].astype(np.float32))
        curves = {}
        for name, p in [("MAML", params), ("pretrained", pretrained)]:
            fast = adapt(per_task(p, 1), xs, ys, args.alpha, args.eval_steps)
            curves[f"{name}, {args.eval_steps} steps"] = forward(fast, xg).numpy()[0, :, 0]
        result["plot"] = _write_plot(os.path.join(args.out, "maml.png"), curves,
                                     (xs.numpy()[0, :, 0], ys.numpy()[0, :, 0], x, y))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
