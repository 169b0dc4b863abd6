"""A job for end-to-end tests. perform(mode=..., **kwargs):
  echo          returns kwargs
  sleep         sleeps `seconds`, returns them
  until_cancelled  polls racetrack_job_wrapper.cancellation.cancelled() for up to `seconds`;
                returns whether it saw the cancellation (and the deadline it was given)
  headers       returns the headers the job sees through request_context, and request_extra
  exit          sys.exit(code)
  os_exit       os._exit(code)
  interrupt     raise KeyboardInterrupt
  raise         raises `kind`: value, runtime, notfound, exists, unauthorized, validation, key
  nan           returns float('nan')
"""
import os
import sys
import time

from racetrack_job_wrapper import cancellation
from racetrack_job_wrapper.auth.auth import UnauthorizedError
from racetrack_job_wrapper.log.errors import AlreadyExists, EntityNotFound, ValidationError

ERRORS = {
    'value': lambda: ValueError('bad value'),
    'runtime': lambda: RuntimeError('something broke'),
    'notfound': lambda: EntityNotFound('no such thing'),
    'exists': lambda: AlreadyExists('already there'),
    'unauthorized': lambda: UnauthorizedError('no token', 'missing header'),
    'validation': lambda: ValidationError('invalid input'),
    'key': lambda: KeyError('k'),
}


class TestingJob:
    saw_cancel = False  # an until_cancelled call saw its cancellation
    def __init__(self):
        delay = float(os.environ.get('TESTING_JOB_INIT_SECONDS', '0'))
        if delay:
            time.sleep(delay)
        if os.environ.get('TESTING_JOB_INIT_FAIL'):
            raise RuntimeError(os.environ['TESTING_JOB_INIT_FAIL'])

    def perform(self, mode: str = 'echo', **kwargs):
        """Testing job: behaves as `mode` says"""
        if mode == 'echo':
            return kwargs
        if mode == 'until_cancelled':
            end = time.monotonic() + kwargs.get('seconds', 10)
            while time.monotonic() < end:
                if cancellation.cancelled():
                    TestingJob.saw_cancel = True
                    return {'cancelled': True}
                time.sleep(0.005)
            return {'cancelled': False}
        if mode == 'saw_cancel':
            return {'saw_cancel': TestingJob.saw_cancel,
                    'deadline': self.request_context.get().deadline is not None}
        if mode == 'sleep':
            time.sleep(kwargs['seconds'])
            return kwargs['seconds']
        if mode == 'headers':
            request = self.request_context.get()
            self.request_extra.get()['seen'] = True
            return {'headers': dict(request.headers), 'tracing': request.headers.get('X-Request-Tracing-Id'),
                    'extra': self.request_extra.get()}
        if mode == 'exit':
            sys.exit(kwargs.get('code', 3))
        if mode == 'os_exit':
            os._exit(kwargs.get('code', 4))
        if mode == 'interrupt':
            raise KeyboardInterrupt()
        if mode == 'raise':
            raise ERRORS[kwargs['kind']]()
        if mode == 'nan':
            return float('nan')
        raise ValueError(f'unknown mode {mode}')

    def docs_input_example(self) -> dict:
        return {'mode': 'echo', 'example': True}
