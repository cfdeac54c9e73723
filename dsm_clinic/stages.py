"""Where the governed stages live, so `pipeline run` and the CLI can find them by name.

Modules are imported on first use: `dsm-clinic --help` should not pay for torch.
"""

from __future__ import annotations

import importlib

from dsm_clinic.errors import error
from dsm_clinic.governance.stage import STAGES, StageSpec

STAGE_MODULES = (
    "dsm_clinic.governance.review",
    "dsm_clinic.data.stages",
    "dsm_clinic.models.stages",
    "dsm_clinic.deid.stages",
)


def registry() -> dict[str, StageSpec]:
    """Every stage by name, importing the modules that define them."""
    for mod in STAGE_MODULES:
        importlib.import_module(mod)
    return STAGES


def get_stage(name: str) -> StageSpec:
    """The stage called `name`; raise E106 listing the known ones."""
    stages = registry()
    if name not in stages:
        raise error("E106", stage=name, known=", ".join(sorted(stages)))
    return stages[name]
