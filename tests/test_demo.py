"""The demo: a reduced run learns, writes its files, and its checkpoint restores."""

import json
import os
import sys
import time

import numpy as np
import pytest

import sklearn  # noqa: F401  (in the test extra)

import gradtape as gt  # noqa: E402
from gradtape import demo  # noqa: E402


def test_reduced_run_learns_and_writes_files(tmp_path, capsys):
    t0 = time.perf_counter()
    assert demo.main(["--epochs", "2", "--steps", "60", "--out", str(tmp_path), "--no-progress"]) == 0
    elapsed = time.perf_counter() - t0
    out = capsys.readouterr().out
    assert "Test accuracy" in out and "checkpoint.npz" in out
    with open(tmp_path / "history.json") as f:
        summary = json.load(f)
    assert summary["steps"] == 60 and summary["epochs"] == 2
    assert summary["test_accuracy"] > 0.6  # chance is 0.1
    assert summary["history"]["train_loss"][-1] < summary["history"]["train_loss"][0]
    assert elapsed < 60
    files = set(os.listdir(tmp_path))
    assert {"checkpoint.npz", "history.json"} <= files
    try:
        import matplotlib  # noqa: F401
        assert "training_curves.png" in files
        with open(tmp_path / "training_curves.png", "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    except ImportError:
        pass
    # the checkpoint restores into a fresh model and gives the reported accuracy
    model = demo.build_model()
    model(np.zeros((1, 8, 8, 1), np.float32))
    gt.train.Checkpoint(model=model, optimizer=gt.optimizers.Adam()).restore(tmp_path / "checkpoint.npz")
    _, _, x_test, y_test = demo.load_digits_split(seed=0)
    assert demo.evaluate(model, x_test, y_test) == pytest.approx(summary["test_accuracy"])


def test_runs_are_reproducible_from_the_seed(tmp_path):
    a = demo.train(epochs=1, steps=15, progress=False, plot=False, out=str(tmp_path / "a"))
    b = demo.train(epochs=1, steps=15, progress=False, plot=False, out=str(tmp_path / "b"))
    assert a["history"] == b["history"]


def test_without_tqdm_and_matplotlib_prints_plain_progress(tmp_path, capsys, monkeypatch):
    for name in ("tqdm", "tqdm.auto", "matplotlib", "matplotlib.pyplot"):
        monkeypatch.setitem(sys.modules, name, None)  # makes the import fail
    assert demo.main(["--epochs", "1", "--steps", "20", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "step    20/20" in out and "running loss" in out
    assert "skipping the plot" in out
    assert not (tmp_path / "training_curves.png").exists()


def test_bad_arguments_exit_with_usage():
    with pytest.raises(SystemExit):
        demo.main(["--epochs", "0"])
