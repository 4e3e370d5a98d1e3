"""The batch's allocator policy (`ccsim.batch.allocator`): freed array memory stays in
the process, so a run of replications (arrays of varying sizes, allocated and freed
over and over) touches fresh pages far less often."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from ccsim.batch.allocator import keep_freed_memory

_PROBE = textwrap.dedent(
    """
    import resource, sys
    import numpy as np
    if sys.argv[1] == "policy":
        from ccsim.batch.allocator import keep_freed_memory
        assert keep_freed_memory()
    rng = np.random.default_rng(1)
    sizes = [75_000, 150_000, 300_000, 10_000, 600_000, 40_000]  # a replication's arrays
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(50):
        arrays = [np.ones(int(s * rng.uniform(0.9, 1.1))) for s in sizes]
        del arrays
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """
)


def _faults(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True
    )
    return int(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_memory_is_reused() -> None:
    assert keep_freed_memory()  # glibc: the policy is in force
    assert keep_freed_memory()  # and setting it again is harmless
    default, kept = _faults("default"), _faults("policy")
    # 50 rounds of ~9 MB: by default most rounds touch fresh pages again.
    assert kept < default / 2, (kept, default)
