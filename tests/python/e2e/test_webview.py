"""End to end: webview apps (spec §10) through the real gateway and a Python worker: a Flask
(WSGI) app with ./static, a form POST that redirects, cookies, bytes; a raw ASGI app."""
from __future__ import annotations

import pytest

from conftest import EXAMPLES

BASE = '/pub/job/webview/1.0.0/api/v1/webview'


@pytest.fixture
def flask_job(start_job):
    pytest.importorskip('flask')
    # JOB_NAME and JOB_VERSION as the gateway resolves them from the example's job.yaml (§5.2).
    job = start_job('job.py', cwd=EXAMPLES / 'webview', env={'JOB_NAME': 'webview', 'JOB_VERSION': '1.0.0'})
    job.wait_ready()
    return job


def test_page_and_stylesheet(flask_job):
    job = flask_job
    for path in (BASE, BASE + '/', '/pub/job/webview/latest/api/v1/webview/', '/api/v1/webview/'):
        page = job.get(path)
        assert (page.status, page.headers['content-type']) == (200, 'text/html; charset=utf-8'), path
        assert b'<h1>Hello</h1>' in page.body
    assert f'href="{BASE}/static/style.css"'.encode() in job.get(BASE).body
    css = job.get(BASE + '/static/style.css')
    assert (css.status, css.headers['content-type']) == (200, 'text/css; charset=utf-8')
    assert css.body == (EXAMPLES / 'webview' / 'static' / 'style.css').read_bytes()
    assert 'etag' in css.headers
    assert job.get(BASE + '/static/nothing.css').status == 404
    assert job.get(BASE + '/static/../job.py').status == 404
    missing = job.get(BASE + '/nonexistent')
    assert missing.status == 404
    assert missing.body == f'requested path was not found: {BASE}/nonexistent'.encode()
    assert f'Webview app mounted at {BASE}' in job.logs()


def test_form_redirect_and_cookies(flask_job):
    job = flask_job
    posted = job.request('POST', BASE + '/greet', body='name=Ada',
                         headers={'Content-Type': 'application/x-www-form-urlencoded'})
    assert (posted.status, posted.headers['location']) == (302, BASE + '/')
    cookies = [v for k, v in posted.header_list if k == 'set-cookie']
    assert cookies == ['name=Ada; Path=/', 'greeted=1; Path=/']
    page = job.get(posted.headers['location'], headers={'Cookie': 'name=Ada; greeted=1'})
    assert b'<h1>Hello, Ada</h1>' in page.body
    echoed = job.request('POST', BASE + '/postme', body={'a': [1, 2]},
                         headers={'Content-Type': 'application/json'})
    assert echoed.json() == {'received': {'a': [1, 2]}, 'path': BASE + '/postme'}


def test_binary_body_intact(flask_job):
    binary = flask_job.get('/api/v1/webview/bytes')
    assert (binary.status, binary.headers['content-type']) == (200, 'application/octet-stream')
    assert binary.body == bytes(range(256))


def test_asgi_app(start_job):
    job = start_job('asgi_webview_job.py', env={'JOB_NAME': 'echo', 'JOB_VERSION': '2.0'})
    job.wait_ready()
    body = bytes(range(256)) * 3
    echoed = job.request('PUT', '/pub/job/echo/2.0/api/v1/webview/some/where?x=1&y=2', body=body,
                         headers={'X-Test': 'yes', 'Content-Type': 'application/octet-stream'})
    assert echoed.status == 200
    assert echoed.json() == {'base_url': '/pub/job/echo/2.0/api/v1/webview', 'method': 'PUT',
                             'path': '/some/where', 'root_path': '/pub/job/echo/2.0/api/v1/webview',
                             'query': 'x=1&y=2', 'body_len': 768, 'body_sum': sum(body), 'x_test': 'yes'}
    assert [v for k, v in echoed.header_list if k == 'set-cookie'] == ['a=1', 'b=2']
    root = job.get('/pub/job/echo/2.0/api/v1/webview').json()
    assert (root['path'], root['root_path']) == ('/', '/pub/job/echo/2.0/api/v1/webview')
    assert job.get('/api/v1/webview/x').json()['root_path'] == '/api/v1/webview'
    missing = job.get('/api/v1/webview/missing')
    assert (missing.status, missing.body) == (404, b'{"detail":"Not Found"}')
    assert job.perform({}).json() == 'ok'
