"""Reading the job manifest (job.yaml) from the sources the original uses, in order (spec §4)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from racetrack_job_wrapper.log.logs import get_logger

logger = get_logger(__name__)

MANIFEST_ENV = 'JOB_MANIFEST_YAML'


def read_job_manifest_dict(manifest_path: str | None = None) -> dict[str, Any]:
    """--manifest-path, else $JOB_MANIFEST_YAML (literal ``\\n`` → newline), else ./job.yaml,
    else {} with a warning. Errors are raised as ``reading job manifest: <cause>``."""
    try:
        return _read(manifest_path)
    except Exception as e:
        raise RuntimeError(f'reading job manifest: {e}') from e


def _read(manifest_path: str | None) -> dict[str, Any]:
    if manifest_path:
        return yaml.safe_load(Path(manifest_path).read_text()) or {}
    env_yaml = os.environ.get(MANIFEST_ENV)
    if env_yaml:
        return yaml.safe_load(env_yaml.replace('\\n', '\n')) or {}
    local = Path('job.yaml')
    if local.is_file():
        return yaml.load(local.read_text(), Loader=yaml.FullLoader) or {}
    logger.warning(f'manifest yaml not found in {MANIFEST_ENV} env var')
    return {}


def jobtype_extra(manifest: dict[str, Any]) -> dict[str, Any]:
    return manifest.get('jobtype_extra') or {}


def jobtype_extra_int(manifest: dict[str, Any], field: str) -> int | None:
    """An optional non-negative integer of jobtype_extra (spec §8): YAML ints and digit strings."""
    value = jobtype_extra(manifest).get(field)
    if value is None:
        return None
    if not str(value).isdigit():
        raise AssertionError(f'Expected integer in {field}, but got: {value}')
    return int(value)
