# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""PyTorch's memory for the mlp step: ``python -m benchmarks.peers.mem_torch`` prints one JSON line.

held: bytes still allocated after the forward pass (what autograd keeps, plus the loss), from
torch.profiler's memory events; peak: peak during forward + gradient, from the profiler's
allocation timeline (every allocation and free at its own time; the op events put an op's net
change at its start, which hides a buffer freed at the end of a backward function: 2.68 MB
instead of 2.94 MB for this step); both above the baseline. saved: bytes of the distinct
non-parameter storages autograd saved for backward.
"""
import json

import torch
from torch.profiler import ProfilerActivity, profile

from ..workloads import data as d

torch.set_num_threads(2)
F = torch.nn.functional


def timeline(prof):
    """(peak, final) of the running sum of allocations and frees, in time order."""
    ev = sorted((e.time_range.start, e.cpu_memory_usage if e.name == "[memory]" else e.self_cpu_memory_usage)
                for e in prof.events())
    cur = peak = 0
    for _, b in ev:
        cur += b; peak = max(peak, cur)
    return peak, cur


def peak_of(prof):
    """Peak bytes of the profiler's allocation timeline (``_memory_profile``, a private API of
    PyTorch 2.1+), or of the op events where that is missing or has another shape."""
    try:
        cur = peak = 0
        for _, action, _, size in prof._memory_profile().timeline:
            if action.name == "CREATE":
                cur += size
            elif action.name == "DESTROY":
                cur -= size
            peak = max(peak, cur)
        return peak
    except Exception:
        return timeline(prof)[0]


def main():
    ps = [torch.tensor(a, requires_grad=True) for a in d.MLP]
    x, y = torch.tensor(d.X784), torch.tensor(d.Y10)

    def forward():
        h = F.relu(x @ ps[0] + ps[1]); h = F.relu(h @ ps[2] + ps[3])
        return F.cross_entropy(h @ ps[4] + ps[5], y)
    torch.autograd.grad(forward(), ps)
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as p:
        loss = forward()
    held = timeline(p)[1]
    del loss
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True, record_shapes=True,
                 with_stack=True) as p:
        g = torch.autograd.grad(forward(), ps)
    peak = peak_of(p)
    params = {q.untyped_storage().data_ptr() for q in ps}
    saved = {}

    def pack(t):
        s = t.untyped_storage()
        if s.data_ptr() not in params:
            saved[s.data_ptr()] = s.nbytes()
        return t
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        g = torch.autograd.grad(forward(), ps)
    print(json.dumps({"held": held, "peak": peak, "saved": sum(saved.values()),
                      "grads": sum(t.nbytes for t in g), "version": torch.__version__}))


if __name__ == "__main__":
    main()
