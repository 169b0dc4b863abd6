"""Finding and loading the job class (spec §3): by file (CLI) or by module and name (library)."""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import sys
from pathlib import Path
from types import ModuleType

from racetrack_job_wrapper.log.logs import get_logger

logger = get_logger(__name__)

JOB_MODULE_NAME = 'racetrack_job'
VENV_PACKAGES_ENV = 'VENV_PACKAGES_PATH'


def prepare_sys_path() -> None:
    """The cwd goes last on sys.path; $VENV_PACKAGES_PATH, if a directory, at sys.path[1]."""
    sys.path.append(os.getcwd())
    venv_packages = os.environ.get(VENV_PACKAGES_ENV)
    if venv_packages and Path(venv_packages).is_dir():
        path = str(Path(venv_packages).absolute())
        sys.path.insert(1, path)
        logger.info(f"Activated Job's venv: {path}")


def load_module_from_file(path: str, module_name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f'cannot load a module from {path}')
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def find_class_in_file(entrypoint_path: str, class_name: str = '') -> type:
    """Imports the file as module ``racetrack_job`` and picks the class: by name, or the only
    class defined in that file."""
    prepare_sys_path()
    assert Path(entrypoint_path).is_file(), f'{entrypoint_path} file not found'
    module = load_module_from_file(entrypoint_path, JOB_MODULE_NAME)
    if class_name:
        assert hasattr(module, class_name), f'class name {class_name} was not found'
        cls: type = getattr(module, class_name)
        return cls
    classes = [obj for _, obj in inspect.getmembers(module, inspect.isclass)
               if obj.__module__ == JOB_MODULE_NAME]
    assert classes, 'no class has been found in module'
    assert len(classes) == 1, 'multiple classes found in a module, the name should be set explicitly.'
    return classes[0]


def find_class_by_name(module_name: str, qualname: str, main_file: str = '') -> type:
    """The class ``qualname`` of an importable module. A class of the ``__main__`` script is
    found by loading ``main_file`` under another name, so its ``if __name__ == '__main__'`` block
    does not run again."""
    if module_name == '__main__':
        if not main_file:
            raise ImportError('the job class lives in __main__, but its file is unknown')
        module = load_module_from_file(main_file, '__racetrack_main__')
    else:
        module = importlib.import_module(module_name)
    obj: object = module
    for part in qualname.split('.'):
        obj = getattr(obj, part)
    if not inspect.isclass(obj):
        raise TypeError(f'{module_name}.{qualname} is not a class')
    return obj
