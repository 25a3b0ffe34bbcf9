"""What the example comparison tolerates in BuildKit output (kbtools/output_rules.py), and what it
still catches."""
from __future__ import annotations

from kbtools.examples.output import merged_output, outputs_match

RECORDED = """#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 173B done
#1 DONE 0.0s

#4 [1/2] FROM docker.io/library/busybox:latest
#4 CACHED

#5 [2/2] RUN echo hi > /hi.txt
#5 DONE 0.3s

#6 exporting to image
#6 exporting layers 0.0s done
#6 naming to docker.io/library/demo:1 0.0s done
#6 DONE 0.1s""".splitlines()

# the same build again: numbered differently, other timings, FROM ends as DONE instead of CACHED
CACHED_RUN = """#0 building with "default" instance using docker driver

#2 [internal] load build definition from Dockerfile
#2 transferring dockerfile:
#2 transferring dockerfile: 173B done
#2 DONE 0.1s

#3 [1/2] FROM docker.io/library/busybox:latest
#3 DONE 0.0s

#7 [2/2] RUN echo hi > /hi.txt
#7 DONE 0.2s

#8 exporting to image
#8 exporting layers done
#8 naming to docker.io/library/demo:1 done
#8 DONE 0.0s""".splitlines()


def test_step_numbers_durations_and_the_status_of_from_may_differ():
    assert outputs_match(RECORDED, CACHED_RUN)


def test_a_run_step_from_the_cache_is_a_claim():
    cached = [line.replace("#7 DONE 0.2s", "#7 CACHED") for line in CACHED_RUN]
    assert not outputs_match(RECORDED, cached)


def test_transient_progress_lines_are_not_recorded():
    assert "#2 transferring dockerfile:" not in merged_output(RECORDED, CACHED_RUN)


def test_a_different_step_or_name_still_fails():
    other_step = [line.replace("echo hi", "echo ho") for line in CACHED_RUN]
    assert not outputs_match(RECORDED, other_step)
    other_tag = [line.replace("demo:1", "demo:2") for line in CACHED_RUN]
    assert not outputs_match(RECORDED, other_tag)
    assert not outputs_match(RECORDED, CACHED_RUN[:-3])        # a step missing


def test_the_random_context_reference_of_an_error_may_differ():
    error = ('ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of '
             'ref {}::{}: "/outside.txt": not found')
    assert outputs_match([error.format("f12d1768-20be-40eb-8d42-d2be1f3610a5", "lgcvm5s0mm4y")],
                         [error.format("0a9c4e11-77b2-4c3e-9d0e-4f2a61b0c3d7", "q8w7e6r5t4y3")])
    assert not outputs_match([error.format("f12d1768-20be-40eb-8d42-d2be1f3610a5", "x1")],
                             [error.format("f12d1768-20be-40eb-8d42-d2be1f3610a5", "x1")
                              .replace("/outside.txt", "/other.txt")])
