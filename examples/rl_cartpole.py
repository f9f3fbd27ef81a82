"""Policy gradient on CartPole: REINFORCE with a learned baseline, trained with a GradientTape.

The cart-pole of Barto, Sutton & Anderson (1983) is written below in NumPy with the constants
of gym's ``CartPole-v1`` (gravity 9.8, cart mass 1.0, pole mass 0.1, pole half-length 0.5,
force 10 N, time step 0.02 s, Euler integration; an episode ends when ``|x| > 2.4`` or
``|theta| > 12`` degrees, or after 500 steps) and vectorized over a batch of environments, so
one policy evaluation serves every cart at once.

Each iteration plays a batch of full episodes with the stochastic policy (a 4-64-64-2
network; the rollouts only read the weights, so they run outside any tape), computes the
discounted returns, subtracts the value network's baseline and takes one Adam step on

    loss = mean(-log pi(a|s) * advantage) - beta * entropy + mean((V(s) - G)^2)

inside a single ``GradientTape``. Training stops when the greedy policy averages at least
``--stop-at`` on a check of 20 episodes; the result is then measured on 100 fresh evaluation
episodes (the classic target: an average return of at least 195 over 100 consecutive
episodes). ``--iterations``, ``--envs`` and ``--max-steps`` shrink the run.

    python examples/rl_cartpole.py
    python examples/rl_cartpole.py --iterations 30 --envs 8     # a quick look
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


class CartPoleBatch:
    """``n`` independent cart-poles stepped together (gym's ``CartPole-v1`` dynamics).

    >>> env = CartPoleBatch(3, seed=0)
    >>> s = env.reset()
    >>> s.shape
    (3, 4)
    >>> s, r, done = env.step(np.array([0, 1, 1]))
    >>> r.tolist(), done.tolist()
    ([1.0, 1.0, 1.0], [False, False, False])
    """

    gravity = 9.8
    masscart = 1.0
    masspole = 0.1
    total_mass = masspole + masscart
    length = 0.5  # half the pole's length
    polemass_length = masspole * length
    force_mag = 10.0
    tau = 0.02
    theta_threshold = 12 * 2 * np.pi / 360
    x_threshold = 2.4

    def __init__(self, n: int, seed: int | None = None, max_steps: int = 500):
        self.n = int(n)
        self.max_steps = int(max_steps)
        self.rng = np.random.default_rng(seed)
        self.state = np.zeros((self.n, 4))
        self.done = np.ones(self.n, dtype=bool)
        self.t = 0

    def reset(self) -> np.ndarray:
        self.state = self.rng.uniform(-0.05, 0.05, size=(self.n, 4))
        self.done = np.zeros(self.n, dtype=bool)
        self.t = 0
        return self.state.copy()

    def step(self, action: np.ndarray):
        """Advance every cart still running by one Euler step; returns ``(state, reward, done)``.

        The reward is 1 for each step taken by a cart that was still running (the step that
        ends an episode earns its reward too, as in gym); finished carts stay frozen.
        """
        x, x_dot, theta, theta_dot = self.state.T
        force = np.where(np.asarray(action) == 1, self.force_mag, -self.force_mag)
        costheta, sintheta = np.cos(theta), np.sin(theta)
        temp = (force + self.polemass_length * theta_dot ** 2 * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta ** 2 / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        new = np.stack([x + self.tau * x_dot, x_dot + self.tau * xacc,
                        theta + self.tau * theta_dot, theta_dot + self.tau * thetaacc], axis=1)
        running = ~self.done
        self.state = np.where(running[:, None], new, self.state)
        reward = running.astype(np.float64)
        self.t += 1
        fell = ((np.abs(self.state[:, 0]) > self.x_threshold)
                | (np.abs(self.state[:, 2]) > self.theta_threshold))
        self.done = self.done | fell | (self.t >= self.max_steps)
        return self.state.copy(), reward, self.done.copy()


def build_networks(hidden: int = 64):
    """The policy (2 logits) and the value baseline, two small tanh MLPs."""
    L = gt.layers
    policy = L.Sequential([L.Dense(hidden, activation="tanh"), L.Dense(hidden, activation="tanh"),
                           L.Dense(2, kernel_initializer=gt.initializers.RandomNormal(stddev=0.01))])
    value = L.Sequential([L.Dense(hidden, activation="tanh"), L.Dense(hidden, activation="tanh"),
                          L.Dense(1)])
    policy(gt.zeros((1, 4)))
    value(gt.zeros((1, 4)))
    return policy, value


def _probs(policy, states: np.ndarray) -> np.ndarray:
    logits = policy(gt.constant(states.astype(np.float32))).numpy().astype(np.float64)
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def rollout(policy, env: CartPoleBatch, rng: np.random.Generator, greedy: bool = False):
    """Play one episode in each of ``env``'s carts; returns per-step arrays of shape (T, n) and the returns.

    ``states`` is (T, n, 4); ``alive`` marks the steps each cart actually took.
    """
    s = env.reset()
    states, actions, rewards, alive = [], [], [], []
    while not env.done.all():
        p = _probs(policy, s)
        a = p.argmax(axis=1) if greedy else (rng.random(env.n) < p[:, 1]).astype(np.int64)
        running = ~env.done
        states.append(s)
        actions.append(a)
        alive.append(running)
        s, r, _ = env.step(a)
        rewards.append(r)
    rewards_arr = np.array(rewards)
    return (np.array(states), np.array(actions), rewards_arr, np.array(alive),
            rewards_arr.sum(axis=0))


def discounted_returns(rewards: np.ndarray, alive: np.ndarray, gamma: float) -> np.ndarray:
    """``G_t = r_t + gamma G_{t+1}`` along axis 0, restarting after each cart's last step.

    >>> r, alive = np.array([[1.0], [1.0], [0.0]]), np.array([[1], [1], [0]], bool)
    >>> discounted_returns(r, alive, 0.5)[:, 0].tolist()
    [1.5, 1.0, 0.0]
    """
    g = np.zeros(rewards.shape[1])
    out = np.zeros_like(rewards)
    for t in range(rewards.shape[0] - 1, -1, -1):
        g = np.where(alive[t], rewards[t] + gamma * g, 0.0)
        out[t] = g
    return out


def evaluate(policy, episodes: int = 100, seed: int = 12345, greedy: bool = True,
             max_steps: int = 500) -> np.ndarray:
    """The returns of ``episodes`` episodes (played side by side) with fresh random starts."""
    env = CartPoleBatch(episodes, seed=seed, max_steps=max_steps)
    return rollout(policy, env, np.random.default_rng(seed + 1), greedy=greedy)[4]


def _write_plot(path: str, history: list) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    it = [h["iteration"] for h in history]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(it, [h["mean_return"] for h in history], label="training episodes (sampled)")
    ax.axhline(195, color="gray", ls="--", lw=1, label="195")
    ax.set_xlabel("iteration")
    ax.set_ylabel("return")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def parse_args(argv: Sequence[str] | None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--iterations", type=int, default=300, help="maximum training iterations")
    p.add_argument("--envs", type=int, default=16, help="episodes per iteration (vectorized)")
    p.add_argument("--max-steps", type=int, default=500, help="episode length cap")
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--value-lr", type=float, default=3e-3)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--entropy", type=float, default=0.01, help="entropy bonus weight")
    p.add_argument("--stop-at", type=float, default=475.0,
                   help="stop when the greedy policy averages this much over 20 check episodes")
    p.add_argument("--check-every", type=int, default=10)
    p.add_argument("--eval-episodes", type=int, default=100)
    add_run_options(p, "directory for history.json and a plot")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the example with command-line arguments ``argv``; returns the results as a dict."""
    return run_with_threads(run, parse_args(argv))


def run(args: argparse.Namespace) -> dict[str, Any]:
    say = (lambda *a: None) if args.quiet else print
    t0 = time.perf_counter()
    gt.random.set_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    policy, value = build_networks(args.hidden)
    pi_opt = gt.optimizers.Adam(args.lr)
    v_opt = gt.optimizers.Adam(args.value_lr)
    pi_vars, v_vars = list(policy.trainable_variables), list(value.trainable_variables)
    env = CartPoleBatch(args.envs, seed=args.seed, max_steps=args.max_steps)
    ret_scale = 1.0 / (1.0 - args.gamma) if args.gamma < 1 else float(args.max_steps)

    initial = evaluate(policy, args.eval_episodes, seed=args.seed + 1000, greedy=False,
                       max_steps=args.max_steps)
    say(f"initial policy (sampled): mean return {initial.mean():.1f} over {len(initial)} episodes")

    history, episodes, check = [], 0, None
    for it in range(1, args.iterations + 1):
        states, actions, rewards, alive, ep_returns = rollout(policy, env, rng)
        returns = discounted_returns(rewards, alive, args.gamma)
        s = gt.constant(states[alive].astype(np.float32))
        a = gt.constant(actions[alive].astype(np.int32))
        g = returns[alive] / ret_scale
        base = value(s).numpy()[:, 0].astype(np.float64)
        adv = g - base
        adv = (adv - adv.mean()) / (adv.std() + 1e-8)
        adv_t, g_t = gt.constant(adv.astype(np.float32)), gt.constant(g.astype(np.float32))
        with gt.GradientTape(persistent=True) as tape:
            logits = policy(s)
            nll = gt.nn.sparse_softmax_cross_entropy_with_logits(labels=a, logits=logits)
            logp = gt.nn.log_softmax(logits)
            entropy = -gt.reduce_mean(gt.reduce_sum(gt.exp(logp) * logp, axis=1))
            pi_loss = gt.reduce_mean(nll * adv_t) - args.entropy * entropy
            v_loss = gt.reduce_mean((value(s)[:, 0] - g_t) ** 2)
        pi_opt.apply_gradients(zip(tape.gradient(pi_loss, pi_vars), pi_vars))
        v_opt.apply_gradients(zip(tape.gradient(v_loss, v_vars), v_vars))
        del tape
        episodes += args.envs
        h = {"iteration": it, "mean_return": float(ep_returns.mean()),
             "entropy": float(entropy), "value_loss": float(v_loss)}
        history.append(h)
        if it % args.check_every == 0 or it == args.iterations:
            check = float(evaluate(policy, 20, seed=10_000 + it, greedy=True,
                                   max_steps=args.max_steps).mean())
            h["check_greedy"] = check
            say(f"iter {it:4d}  episodes {episodes:5d}  train return {ep_returns.mean():6.1f}  "
                f"greedy check {check:6.1f}  entropy {float(entropy):.3f}  "
                f"({time.perf_counter() - t0:.0f}s)")
            if check >= args.stop_at:
                break
    train_time = time.perf_counter() - t0

    final_greedy = evaluate(policy, args.eval_episodes, seed=args.seed + 2000, greedy=True,
                            max_steps=args.max_steps)
    final_sampled = evaluate(policy, args.eval_episodes, seed=args.seed + 3000, greedy=False,
                             max_steps=args.max_steps)
    result = {
        "initial_mean_return": float(initial.mean()),
        "eval_mean_return": float(final_greedy.mean()),
        "eval_min_return": float(final_greedy.min()),
        "eval_sampled_mean_return": float(final_sampled.mean()),
        "eval_episodes": int(args.eval_episodes),
        "solved": bool(final_greedy.mean() >= 195.0),
        "iterations": len(history),
        "training_episodes": episodes,
        "train_seconds": train_time,
        "seconds": time.perf_counter() - t0,
    }
    say(f"evaluation over {args.eval_episodes} episodes: greedy mean {result['eval_mean_return']:.1f} "
        f"(min {result['eval_min_return']:.0f}), sampled mean {result['eval_sampled_mean_return']:.1f}; "
        f"initial {result['initial_mean_return']:.1f}; solved (>= 195): {result['solved']}; "
        f"{episodes} training episodes, {result['seconds']:.1f}s")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "history.json"), "w") as f:
            json.dump({"result": result, "history": history}, f, indent=1)
        result["plot"] = _write_plot(os.path.join(args.out, "returns.png"), history)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
