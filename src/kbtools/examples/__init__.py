"""Runnable examples: the runner runs every ``<!-- example -->`` block of a page on the
Docker Engine and compares what the engine printed with the output shown on the page.

How a page is run (the format is described in kbtools/pages.py and CONTRIBUTING.md):

* zh and en pages carry identical examples; the zh page is run, and any difference between its
  examples and the en page's is reported as a problem naming both files and lines;
* the examples of a page run in order in one temporary working folder; ``file=`` blocks are
  written there first; each ``$`` line runs with bash on its own, stdout and stderr together,
  with a timeout; ``tty`` examples run in a pseudo-terminal and get ``keys=`` after ``wait=``;
* output is compared after :func:`normalise_line` (IDs, digests, times, sizes, addresses, runs
  of spaces); a ``...`` line on the page stands for any number of lines.

Isolation on a shared engine: the ``$`` lines find a small ``docker`` wrapper first on their
PATH (:func:`shim_main`). It reads each call with the lint's parser (kbtools/dockercli.py, over
the CLI snapshot: commands and their aliases, options that take a value, where the image
starts) and passes it to the real client after :func:`plan_docker_call` added
``--label org.docker-basics-kb.run=<run id>`` to ``run``,
``create``, ``network create`` and ``volume create`` (plus ``--pull never`` to ``run``/``create``,
so a missing image fails at once instead of trying a registry), and a ``LABEL`` change to
``commit``. ``docker build`` gets no label (it would add a build step to the output and to
``docker history``); instead the wrapper records the images and intermediate containers the
build printed, and the tags it created. Named volumes a ``run`` would create implicitly are
created first with the label; anonymous volumes of a container removed without ``-v`` are
recorded; ``pull`` is recorded like ``tag``. The wrapper refuses ``prune`` commands unless a
container/image/network/volume prune has a ``--filter label=...`` (then it adds the run's label
as a second filter), refuses to move an image tag that exists and was not made by this run, and
refuses ``rm``/``rmi``/``volume rm``/``network rm`` of objects this run did not create.
``docker compose`` calls are checked and recorded by project (kbtools/compose_projects.py).
After each page (also after a failure) :meth:`ExampleRunner.cleanup` removes exactly the
labelled and recorded objects, nothing else.

Modules: common (labels, limits), output (normalising and comparing), terminal (tty
examples), plan (reading and changing docker calls), wrapper (the docker wrapper), results,
engine (questions to the engine), runner (ExampleRunner), update (--update). zh/en equality of
the examples is kbtools.parity's (KB203, KB204).

The run label is visible to a page that prints all labels (``docker inspect`` of the whole
object): show selected fields with ``--format`` instead.
"""
from __future__ import annotations

import importlib

#: public name -> module of this package that defines it (imported on first use: the docker
#: wrapper imports this package on every docker call of an example and must stay light)
_EXPORTS = {
    "common": ["RUN_LABEL", "ELLIPSIS", "DEFAULT_TIMEOUT", "DEFAULT_TTY_WAIT", "KEY_PAUSE",
               "ENV_RUN_ID", "ENV_STATE", "ENV_DOCKER", "ENGINE_PROPERTIES",
               "console_steps"],
    "output": ["normalise_line", "align", "outputs_match", "merged_output", "output_diff"],
    "terminal": ["render_terminal", "parse_keys"],
    "plan": ["cli_snapshot_error", "DockerPlan", "plan_docker_call", "IMAGE_REF_RE",
             "canonical_image", "images_run", "images_made", "dockerfile_bases"],
    "wrapper": ["read_state", "shim_main"],
    "results": ["StepResult", "ExampleOutcome", "PageRun", "RunReport"],
    "engine": ["engine_answers", "image_present", "engine_versions"],
    "runner": ["example_pages", "ExampleRunner"],
    "update": ["update_pages"],
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    if name in _MODULE_OF:
        return getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
