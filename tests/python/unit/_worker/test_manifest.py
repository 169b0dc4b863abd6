"""Manifest sources and jobtype_extra integers (spec §4, §8)."""
from __future__ import annotations

import pytest

from racetrack_job_wrapper._worker.manifest import jobtype_extra_int, read_job_manifest_dict


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv('JOB_MANIFEST_YAML', raising=False)


def test_sources_in_order(tmp_path, monkeypatch, caplog):
    assert read_job_manifest_dict() == {}
    assert 'manifest yaml not found in JOB_MANIFEST_YAML env var' in caplog.text
    (tmp_path / 'job.yaml').write_text('name: local\n')
    assert read_job_manifest_dict() == {'name': 'local'}
    monkeypatch.setenv('JOB_MANIFEST_YAML', 'name: env\\njobtype_extra:\\n  max_concurrency: 2\\n')
    assert read_job_manifest_dict() == {'name': 'env', 'jobtype_extra': {'max_concurrency': 2}}
    explicit = tmp_path / 'other.yaml'
    explicit.write_text('name: explicit\n')
    assert read_job_manifest_dict(str(explicit)) == {'name': 'explicit'}


def test_empty_local_file_and_errors(tmp_path):
    (tmp_path / 'job.yaml').write_text('')
    assert read_job_manifest_dict() == {}
    with pytest.raises(RuntimeError, match='^reading job manifest: '):
        read_job_manifest_dict(str(tmp_path / 'missing.yaml'))


@pytest.mark.parametrize('value, expected', [(None, None), (3, 3), ('4', 4), (0, 0)])
def test_jobtype_extra_int(value, expected):
    assert jobtype_extra_int({'jobtype_extra': {'max_concurrency': value}}, 'max_concurrency') == expected


@pytest.mark.parametrize('value', [-1, 1.5, 'many'])
def test_jobtype_extra_int_rejects(value):
    with pytest.raises(AssertionError, match=f'Expected integer in max_concurrency, but got: {value}'):
        jobtype_extra_int({'jobtype_extra': {'max_concurrency': value}}, 'max_concurrency')
