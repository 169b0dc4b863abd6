"""End to end: `racetrack_job_runner run job.py` with the real gateway and a real Python worker,
over HTTP on a free port. Every wait is on a condition (an HTTP answer), never a fixed sleep."""
from __future__ import annotations

import sys
import threading

from conftest import EXAMPLES, wait_until


def test_prime_example_performs(start_job):
    job = start_job('job.py', cwd=EXAMPLES)
    job.wait_ready()
    assert job.perform({'number': 7907}).json() is True
    assert job.perform({'number': 7908}).json() is False
    # Empty and null bodies use the docs input example {'number': 7907}.
    assert job.perform().json() is True
    assert job.perform('null').json() is True
    missing = job.perform({'numbr': 7})
    assert missing.status == 400
    assert missing.json() == {
        'error': "failed to call a function: Job.perform() got an unexpected keyword argument 'numbr'",
        'type': 'ValueError'}
    assert 'loaded job class: Job' in job.logs()


def test_adder_example(start_job):
    job = start_job('job.py', cwd=EXAMPLES / 'adder')
    job.wait_ready()
    assert job.perform({'numbers': [1, 2.5, 3]}).json() == 6.5
    assert job.perform().json() == 42


def test_errors_map_to_statuses(start_job):
    job = start_job('testing_job.py')
    job.wait_ready()
    expected = {
        'value': (400, 'bad value', 'ValueError'),
        'runtime': (500, 'something broke', 'RuntimeError'),
        'notfound': (404, 'no such thing', 'EntityNotFound'),
        'exists': (409, 'already there', 'AlreadyExists'),
        'unauthorized': (401, 'no token: missing header', 'UnauthorizedError'),
        'validation': (400, 'invalid input', 'ValidationError'),
        'key': (500, "'k'", 'KeyError'),
    }
    for kind, (status, message, error_type) in expected.items():
        response = job.perform({'mode': 'raise', 'kind': kind})
        assert response.status == status, kind
        assert response.json() == {'error': message, 'type': error_type}
    nan = job.perform({'mode': 'nan'})
    assert (nan.status, nan.json()) == (400, {'error': 'Out of range float values are not JSON compliant',
                                              'type': 'ValueError'})
    logs = job.logs()
    assert 'ERROR something broke, cause=RuntimeError' in logs
    assert 'invalid input' not in logs  # ValidationError is not logged


def test_request_context_sees_headers(start_job):
    job = start_job('testing_job.py')
    job.wait_ready()
    response = job.perform({'mode': 'headers'}, headers={'X-Request-Tracing-Id': 'trace-1', 'X-Custom': 'v'})
    body = response.json()
    assert body['tracing'] == 'trace-1'
    assert body['headers']['x-custom'] == 'v'
    assert body['extra'] == {'seen': True}
    # request_extra is fresh for every request
    assert job.perform({'mode': 'headers'}).json()['extra'] == {'seen': True}
    error = job.perform({'mode': 'raise', 'kind': 'runtime'}, headers={'X-Request-Tracing-Id': 'trace-2'})
    assert error.status == 500
    wait_until(lambda: 'tracing_id=trace-2' in job.logs())


def test_probes_while_loading_then_ready(start_job):
    job = start_job('testing_job.py', env={'TESTING_JOB_INIT_SECONDS': '3'})
    wait_until(lambda: job.status_of('/live') == 200)
    assert job.status_of('/ready') == 500
    assert job.perform({'mode': 'echo'}).status == 503
    job.wait_ready()
    assert job.perform({'mode': 'echo', 'a': 1}).json() == {'a': 1}


def test_init_failure_keeps_process_up(start_job):
    job = start_job('testing_job.py', env={'TESTING_JOB_INIT_FAIL': 'model file is missing'})
    live = wait_until(lambda: (r := job.get('/live')).status == 500 and r)
    error = live.json()['error']
    assert error.startswith('model file is missing, cause=RuntimeError, traceback=')
    assert 'testing_job.py' in error
    assert job.status_of('/ready') == 500
    assert job.process.poll() is None
    assert 'Initialization error: model file is missing' in job.logs()


def test_loading_errors_are_init_failures(start_job):
    cases = {
        'syntax_error_job.py': 'cause=SyntaxError',
        'import_error_job.py': "No module named 'module_that_does_not_exist', cause=ModuleNotFoundError",
        'missing_file.py': 'missing_file.py file not found, cause=AssertionError',
        'two_classes_job.py': 'multiple classes found in a module, the name should be set explicitly.',
        'no_class_job.py': 'no class has been found in module',
        'bad_example_job.py':
            'invalid docs input example: input example (for /perform endpoint) is not a dict',
    }
    jobs = {name: start_job(name) for name in cases}
    for name, expected in cases.items():
        live = wait_until(lambda job=jobs[name]: (r := job.get('/live')).status == 500 and r)
        assert expected in live.json()['error'], name


def test_class_name_argument_selects_the_class(start_job):
    job = start_job('two_classes_job.py', 'Job')
    job.wait_ready()
    assert job.perform({}).json() == {'x': 1}
    missing = start_job('two_classes_job.py', 'Nope')
    live = wait_until(lambda: (r := missing.get('/live')).status == 500 and r)
    assert 'class name Nope was not found' in live.json()['error']


def test_sys_exit_in_perform_restarts_the_worker(start_job):
    job = start_job('testing_job.py')
    job.wait_ready()
    crashed = job.perform({'mode': 'exit', 'code': 3})
    assert crashed.status == 502
    assert crashed.json()['type'] == 'WorkerUnavailable'
    job.wait_ready()
    assert job.perform({'mode': 'echo', 'after': 'exit'}).json() == {'after': 'exit'}
    for mode in ('os_exit', 'interrupt'):
        assert job.perform({'mode': mode}).status == 502
        job.wait_ready()
    assert job.perform({'mode': 'echo', 'ok': 1}).json() == {'ok': 1}
    assert job.process.poll() is None
    assert 'the job raised SystemExit(3)' in job.logs()


def test_concurrent_slow_calls_run_in_parallel(start_job):
    job = start_job('testing_job.py', env={'RACETRACK_WORKER_THREADS': '8'})
    job.wait_ready()
    results = []
    release = threading.Barrier(9)

    def call() -> None:
        release.wait()
        results.append(job.perform({'mode': 'sleep', 'seconds': 1.0}, timeout=30))

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    release.wait()
    import time
    started = time.monotonic()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    assert [r.status for r in results] == [200] * 8
    assert elapsed < 3.0, f'8 one-second calls on 8 threads took {elapsed:.1f} s'
    # A fast call is answered while slow ones run (the stream is acknowledged promptly).
    slow = [threading.Thread(target=lambda: job.perform({'mode': 'sleep', 'seconds': 2.0}, timeout=30))
            for _ in range(4)]
    for t in slow:
        t.start()
    fast_started = time.monotonic()
    for i in range(5):
        assert job.perform({'mode': 'echo', 'i': i}).json() == {'i': i}
    assert time.monotonic() - fast_started < 1.5
    for t in slow:
        t.join()


def test_library_mode_serve_job_class(start_job, tmp_path):
    """Example 2 (examples/python/dockerfiled): `python main.py` with serve_job_class(Job)."""
    example = EXAMPLES / 'dockerfiled'
    job = start_job('', cwd=example, command=[sys.executable, 'main.py'])
    job.wait_ready()
    assert job.perform({'number': 7907}).json() is True
    assert 'loaded job class: Job' in job.logs()
    # The worker is a supervised child: it restarts after a crash, as with the CLI.
    health = job.get('/health').json()
    assert health['status'] == 'pass'


def test_main_script_class(start_job, tmp_path):
    """serve_job_class with a class defined in the __main__ script itself."""
    script = tmp_path / 'main.py'
    script.write_text(
        'from racetrack_job_wrapper.standalone import serve_job_class\n'
        'class Job:\n'
        '    def perform(self, x: int = 1):\n'
        '        return x * 2\n'
        'if __name__ == "__main__":\n'
        '    serve_job_class(Job)\n')
    job = start_job('', cwd=tmp_path, command=[sys.executable, 'main.py'])
    job.wait_ready()
    assert job.perform({'x': 21}).json() == 42


def test_json_as_deep_as_the_gateway_accepts(start_job):
    """Bodies nested up to the gateway's cap (1024 levels) reach the job and come back whole."""
    job = start_job('testing_job.py')
    job.wait_ready()
    for depth in (990, 1023, 1024):  # levels, the object holding 'value' included
        deep = '[' * (depth - 1) + ']' * (depth - 1)
        echoed = job.perform('{"mode": "echo", "value": ' + deep + '}')
        assert (echoed.status, echoed.body) == (200, b'{"value":' + deep.encode() + b'}'), depth
