"""What the parts of the example runner share: labels, environment variables, limits,
and the engine properties ``requires=`` may name."""
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
#: values of ``<!-- example: requires=... -->`` and how to read them from ``docker info``
ENGINE_PROPERTIES = {"cgroup-v1": ("CgroupVersion", "1"), "cgroup-v2": ("CgroupVersion", "2")}


def console_steps(block: "CodeBlock"):
    """kbtools.pages.console_steps, imported when first needed."""
    from kbtools.pages import console_steps as steps
    return steps(block)
