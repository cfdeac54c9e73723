"""Every YAML file we ship validates against its schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsm_clinic.governance.policy import load_policy
from dsm_clinic.pipeline import load_pipeline

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", sorted((REPO / "policies").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_policy_validates(path):
    assert load_policy(path).policy.id.startswith("dsm-")


@pytest.mark.parametrize("path", sorted((REPO / "dsm_clinic" / "pipelines").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_shipped_pipeline_validates(path):
    assert load_pipeline(path).spec.stages
