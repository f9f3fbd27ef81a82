"""The glibc allocator tuning: on by default on Linux, off with GRADTAPE_MALLOC_TUNING=0."""

import subprocess
import sys

import pytest

CHECK = "import gradtape, gradtape._engine.allocator as a; print(a.applied)"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc tuning is Linux-only")
def test_tuning_is_applied_on_import():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_tuning_can_be_turned_off():
    env = {**__import__("os").environ, "GRADTAPE_MALLOC_TUNING": "0"}
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "False"
