"""The webview app's view of a request: WSGI environ (as the original's prefixer leaves it) and
ASGI scope (as a Starlette mount does)."""
from __future__ import annotations

from racetrack_job_wrapper._worker.model import HttpRequest
from racetrack_job_wrapper._worker.webview import Webview

BASE = '/pub/job/j/1/api/v1/webview'


def wsgi_app(environ, start_response):
    start_response('201 Created', [('Content-Type', 'text/plain'), ('Set-Cookie', 'a=1')])
    return [environ['PATH_INFO'].encode(), b'|', environ['wsgi.input'].read()]


def request(**kwargs) -> HttpRequest:
    return HttpRequest(**{'endpoint': '/webview', 'method': 'POST', 'path': '/api/v1/webview/x/y',
                          'query': 'q=1', 'headers': [('host', 'example:8080'), ('x-a', '1'), ('x-a', '2'),
                                                      ('content-type', 'text/plain')],
                          'body': b'hello', **kwargs})


def test_wsgi_environ_and_response():
    webview = Webview(wsgi_app, BASE, None)
    environ = webview.wsgi_environ(request(), '/x/y')
    assert (environ['SCRIPT_NAME'], environ['PATH_INFO'], environ['QUERY_STRING']) == \
        ('', BASE + '/x/y', 'q=1')
    assert (environ['SERVER_NAME'], environ['SERVER_PORT'], environ['HTTP_X_A']) == ('example', '8080', '1,2')
    assert (environ['CONTENT_TYPE'], environ['CONTENT_LENGTH']) == ('text/plain', '5')
    response = webview.handle(request())
    assert (response.status, response.body) == (201, (BASE + '/x/y|hello').encode())
    assert response.headers == [('content-type', 'text/plain'), ('set-cookie', 'a=1')]


def test_asgi_scope():
    async def asgi_app(scope, receive, send):
        await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'x-b', b'2')]})
        await send({'type': 'http.response.body', 'body': scope['path'].encode()})

    webview = Webview(asgi_app, BASE, None)
    scope = webview.asgi_scope(request(root_path='/pub/job/j/1'), '/x/y')
    assert (scope['path'], scope['root_path'], scope['query_string']) == \
        ('/x/y', '/pub/job/j/1/api/v1/webview', b'q=1')
    assert scope['server'] == ('example', 8080)
    response = webview.handle(request())
    assert (response.status, response.body, response.headers) == (200, b'/x/y', [('x-b', '2')])
