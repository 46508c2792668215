"""bench/timeline.py's arithmetic: a worker's busy spans from its task timestamps, and how long
exactly n workers were busy (synthetic timestamps: nothing is timed here)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "bench" / "timeline.py"


@pytest.fixture(scope="module")
def timeline():
    spec = importlib.util.spec_from_file_location("bench_timeline", _PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _worker(*takes):
    """A worker's events: (asked, got, kind) per `take`, kind None for the last (no more tasks)."""
    return [["start", 0.0, 0.0, None], *(["take", a, g, k] for a, g, k in takes), ["end", takes[-1][2], 1.0, None]]


def test_busy_spans_run_from_a_task_to_the_next_ask(timeline):
    w = _worker((0.0, 0.1, 0), (0.5, 0.6, 0), (0.9, 1.0, 2), (1.4, 1.5, 1), (1.7, 1.8, None))
    assert timeline.busy_spans(w) == {"files": [(0.1, 0.5), (0.6, 0.9)], "routed": [(1.0, 1.4)],
                                      "exposed": [(1.5, 1.7)]}


def test_overlap_counts_the_time_one_worker_works_alone(timeline):
    # the second worker ends its last task 0.3 s before the first: 0.3 s with one busy
    got = timeline.overlap([[(0.0, 1.0)], [(0.0, 0.7)]], 0.0, 1.0)
    assert got == pytest.approx({0: 0.0, 1: 0.3, 2: 0.7})


def test_overlap_counts_the_parent_alone_between_rounds(timeline):
    # both idle from 0.5 to 0.8 (the parent working out the next round), and after the last task
    got = timeline.overlap([[(0.0, 0.5), (0.8, 1.0)], [(0.0, 0.5), (0.8, 1.0)]], 0.0, 1.2)
    assert got == pytest.approx({0: 0.5, 1: 0.0, 2: 0.7})


def test_overlap_of_workers_always_together_has_no_time_alone(timeline):
    got = timeline.overlap([[(0.2, 0.9)], [(0.2, 0.9)]], 0.2, 0.9)
    assert got == pytest.approx({0: 0.0, 1: 0.0, 2: 0.7})
