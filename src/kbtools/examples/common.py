"""What the parts of the example runner share: labels, environment variables, limits,
the problems it reports (RULES) and the engine properties ``requires=`` may name."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the docker wrapper imports this module on every call: keep it light
    from kbtools.pages import CodeBlock

RUN_LABEL = "org.docker-basics-kb.run"
ELLIPSIS = "..."
DEFAULT_TIMEOUT = 60.0
DEFAULT_TTY_WAIT = 2.0
KEY_PAUSE = 0.3

ENV_RUN_ID = "KB_EXAMPLES_RUN_ID"
ENV_STATE = "KB_EXAMPLES_STATE"
ENV_DOCKER = "KB_EXAMPLES_DOCKER"
#: Problems the runner reports (listed in CONTRIBUTING.md by kb gen rules).
RULES = {
    "KB501": "an example's output differs from what the engine printed, or a command timed out",
    "KB503": "the zh and en pages' examples differ (they must be identical)",
    "KB504": "an example uses an image that is not on the engine (no registry: see kb images)",
    "KB505": "a file= example writes outside the examples' working folder",
    "KB506": "an example is not a console block, has no $ line, or has a bad wait= value",
    "KB507": "cleanup after a page failed",
    "KB508": "something created by the examples was left on the engine",
    "KB509": "the runner itself failed on a page (a bug: report it)",
    "KB510": "a page uses an image that has no local recipe",
    "KB511": "an example's requires= names an engine property the runner does not know",
}
#: values of ``<!-- example: requires=... -->`` and how to read them from ``docker info``
ENGINE_PROPERTIES = {"cgroup-v1": ("CgroupVersion", "1"), "cgroup-v2": ("CgroupVersion", "2")}


def console_steps(block: "CodeBlock"):
    """kbtools.pages.console_steps, imported when first needed."""
    from kbtools.pages import console_steps as steps
    return steps(block)
