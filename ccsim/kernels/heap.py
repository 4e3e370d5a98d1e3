"""The compiled engine's event heap: timeouts ordered by (time, sequence number),
as SimPy orders its events (`Environment.schedule`), and the arrival process's one
pending timeout beside it."""

from __future__ import annotations

from ccsim.kernels import decisions
from ccsim.kernels.layout import (
    S_ARR_PENDING,
    S_ARR_SEQ,
    S_ARR_WAIT,
    S_EVENTS,
    S_N_PEND,
    S_NXT,
    S_SEQ,
    S_SIZE,
    T_ARR_TIME,
    T_NOW,
    step,
)


@step
def schedule(run, heap, day, arrival):
    """Push the step's timeouts onto the heap, in order, each taking the next
    sequence number (Environment.schedule); then the arrival process's timeout."""
    ht, hs, hd, sv = heap.ht, heap.hs, heap.hd, run.sv
    size = sv[S_SIZE]
    seq = sv[S_SEQ]
    for q in range(sv[S_N_PEND]):
        if size >= day.heap_capacity:
            raise RuntimeError("event heap full: heap_capacity too small")
        t = run.pend_t[q]
        i = size
        size += 1
        while i > 0:  # sift up; every entry's seq is smaller, so ties stay above
            parent = (i - 1) >> 1
            if ht[parent] <= t:
                break
            ht[i] = ht[parent]
            hs[i] = hs[parent]
            hd[i] = hd[parent]
            i = parent
        ht[i] = t
        hs[i] = seq
        hd[i] = run.pend_d[q]
        seq += 1
    sv[S_SIZE] = size
    sv[S_SEQ] = seq
    sv[S_N_PEND] = 0
    if sv[S_ARR_WAIT]:  # ContactCenter.arrivals: yield env.timeout(t - env.now)
        sv[S_ARR_WAIT] = 0
        now = run.tv[T_NOW]
        run.tv[T_ARR_TIME] = now + (arrival[sv[S_NXT]] - now)
        sv[S_ARR_SEQ] = sv[S_SEQ]
        sv[S_SEQ] += 1
        sv[S_ARR_PENDING] = 1


@step
def heap_first(run, heap):
    """The heap's first event comes before the arrival process's timeout, if any."""
    sv, ht = run.sv, heap.ht
    if sv[S_SIZE] == 0:
        return False
    if not sv[S_ARR_PENDING]:
        return True
    arr_time = run.tv[T_ARR_TIME]
    return ht[0] < arr_time or (ht[0] == arr_time and heap.hs[0] < sv[S_ARR_SEQ])


@step
def pop(run, heap):
    """Pop the first event (smallest time, then seq): the clock moves to its time;
    returns its data."""
    ht, hs, hd = heap.ht, heap.hs, heap.hd
    run.tv[T_NOW] = ht[0]
    data = hd[0]
    size = run.sv[S_SIZE] - 1
    run.sv[S_SIZE] = size
    if size > 0:  # the last entry sifts down from the top
        t = ht[size]
        sq = hs[size]
        d = hd[size]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            if c + 1 < size and (ht[c + 1] < ht[c] or (ht[c + 1] == ht[c] and hs[c + 1] < hs[c])):
                c += 1
            if ht[c] < t or (ht[c] == t and hs[c] < sq):
                ht[i] = ht[c]
                hs[i] = hs[c]
                hd[i] = hd[c]
                i = c
            else:
                break
        ht[i] = t
        hs[i] = sq
        hd[i] = d
    run.sv[S_EVENTS] += 1
    return data


decisions.key_engine_caches(globals())
