"""Recordkeeper helpers (spec §13.1): the predecessor id from request_extra, else the header."""
from racetrack_job_wrapper._worker.request_context import Request, install_context_vars
from racetrack_job_wrapper.recordkeeper import read_predecessor_id, remember_predecessor_id


def test_remembered_id_wins_over_the_header():
    class Job:
        pass

    job = Job()
    context, extra = install_context_vars(job)
    assert read_predecessor_id(job) is None
    context.set(Request('POST', '/', '', [('x-recordkeeper-predecessor-id', 'from-header')]))
    assert read_predecessor_id(job) == 'from-header'
    extra.set({})
    remember_predecessor_id(job, 'remembered')
    assert read_predecessor_id(job) == 'remembered'
