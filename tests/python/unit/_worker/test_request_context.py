"""What jobs see through request_context (spec §11.3)."""
from racetrack_job_wrapper._worker.request_context import Headers, Request, install_context_vars


def test_headers_are_case_insensitive():
    headers = Headers([('x-caller-name', 'alice'), ('accept', 'a'), ('Accept', 'b')])
    assert headers['X-Caller-Name'] == 'alice'
    assert headers.get('X-CALLER-NAME') == 'alice'
    assert 'x-Caller-name' in headers
    assert headers.get('missing') is None
    assert headers['accept'] == 'a'
    assert headers.getlist('ACCEPT') == ['a', 'b']
    assert dict(headers) == {'x-caller-name': 'alice', 'accept': 'a'}


def test_request_fields():
    request = Request('POST', '/api/v1/perform', 'a=1&b=', [('host', 'h')])
    assert request.method == 'POST'
    assert request.url.path == '/api/v1/perform'
    assert str(request.url) == '/api/v1/perform?a=1&b='
    assert request.query_params == {'a': '1', 'b': ''}
    assert request.headers['Host'] == 'h'


def test_context_vars_are_set_on_the_job():
    class Job:
        pass

    job = Job()
    context, extra = install_context_vars(job)
    assert job.request_context is context and job.request_extra is extra
