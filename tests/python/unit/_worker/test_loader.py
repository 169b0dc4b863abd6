"""Job class discovery (spec §3)."""
from __future__ import annotations

import sys

import pytest

from racetrack_job_wrapper._worker.loader import JOB_MODULE_NAME, find_class_by_name, find_class_in_file

from conftest import JOBS


@pytest.fixture(autouse=True)
def clean_modules(monkeypatch):
    monkeypatch.setattr(sys, 'path', list(sys.path))
    yield
    sys.modules.pop(JOB_MODULE_NAME, None)


def test_single_class_is_discovered():
    cls = find_class_in_file(str(JOBS / 'testing_job.py'))
    assert cls.__name__ == 'TestingJob'
    assert cls.__module__ == JOB_MODULE_NAME
    assert sys.modules[JOB_MODULE_NAME].TestingJob is cls


def test_class_by_name():
    assert find_class_in_file(str(JOBS / 'two_classes_job.py'), 'Job').__name__ == 'Job'


@pytest.mark.parametrize('path, name, message', [
    ('missing.py', '', 'missing.py file not found'),
    ('two_classes_job.py', '', 'multiple classes found in a module, the name should be set explicitly.'),
    ('no_class_job.py', '', 'no class has been found in module'),
    ('two_classes_job.py', 'Other', 'class name Other was not found'),
])
def test_discovery_errors(path, name, message, monkeypatch):
    monkeypatch.chdir(JOBS)
    with pytest.raises(AssertionError) as error:
        find_class_in_file(path, name)
    assert str(error.value) == message


def test_import_and_syntax_errors_propagate(monkeypatch):
    monkeypatch.chdir(JOBS)
    with pytest.raises(SyntaxError):
        find_class_in_file('syntax_error_job.py')
    with pytest.raises(ModuleNotFoundError):
        find_class_in_file('import_error_job.py')


def test_cwd_and_venv_packages_on_sys_path(tmp_path, monkeypatch, caplog):
    packages = tmp_path / 'site'
    packages.mkdir()
    (packages / 'helper_pkg_for_test.py').write_text('VALUE = 5\n')
    (tmp_path / 'job.py').write_text('import helper_pkg_for_test\n'
                                     'class Job:\n'
                                     '    def perform(self):\n'
                                     '        return helper_pkg_for_test.VALUE\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('VENV_PACKAGES_PATH', str(packages))
    with caplog.at_level('INFO'):
        cls = find_class_in_file('job.py')
    assert cls().perform() == 5
    assert sys.path[1] == str(packages)
    assert sys.path[-1] == str(tmp_path)
    assert f"Activated Job's venv: {packages}" in caplog.text
    sys.modules.pop('helper_pkg_for_test', None)


def test_find_class_by_name_in_a_main_script(tmp_path):
    script = tmp_path / 'main.py'
    script.write_text('class Job:\n'
                      '    class Inner:\n'
                      '        pass\n'
                      'if __name__ == "__main__":\n'
                      '    raise SystemExit("must not run")\n')
    assert find_class_by_name('__main__', 'Job', str(script)).__name__ == 'Job'
    assert find_class_by_name('__main__', 'Job.Inner', str(script)).__name__ == 'Inner'
    assert find_class_by_name('collections', 'OrderedDict').__name__ == 'OrderedDict'
