"""Chain calls to other jobs through Racetrack's Pub (spec §13), with the standard library's HTTP
client (the original uses httpx; the requests, headers and error messages are the same).

A job calls ``call_job(self, 'adder', payload={'numbers': [1, 2]})``: the request goes to
``$PUB_URL/job/adder/latest/api/v1/perform`` with ``X-Racetrack-Auth: $AUTH_TOKEN``, the incoming
tracing id and caller name, and the Recordkeeper predecessor id if one is known.
"""
from __future__ import annotations

import asyncio
import json
import os
import socket
import urllib.error
import urllib.request
from http import HTTPStatus
from typing import Any

from racetrack_job_wrapper._worker.request_context import caller_header_name, tracing_header_name
from racetrack_job_wrapper.log.logs import get_logger
from racetrack_job_wrapper.recordkeeper import RK_PREDECESSOR_ID_HEADER, read_predecessor_id

logger = get_logger(__name__)

_HTTP_ERROR_KINDS = {1: 'Informational response', 3: 'Redirect response', 4: 'Client error',
                     5: 'Server error'}
_ASYNC_POLL_READ_TIMEOUT = 60
_ASYNC_START_TIMEOUT = 5


class HTTPStatusError(RuntimeError):
    """A non-2xx answer, described as httpx describes it."""

    def __init__(self, status: int, url: str, text: str, location: str | None = None):
        self.status = status
        self.text = text
        kind = _HTTP_ERROR_KINDS.get(status // 100, 'Invalid status code')
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ''
        message = f"{kind} '{status} {phrase}' for url '{url}'"
        if status // 100 == 3 and location:
            message += f"\nRedirect location: '{location}'"
        message += f'\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/{status}'
        super().__init__(message)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _send(method: str, url: str, payload: Any, headers: dict[str, str], timeout: float | None) -> Any:
    """One request; returns the decoded JSON answer, raises HTTPStatusError on non-2xx."""
    data = None
    headers = dict(headers)
    if payload is not None:
        data = json.dumps(payload).encode()
        headers['Content-Type'] = 'application/json'
    request = urllib.request.Request(url, data=data, headers=headers, method=method.upper())
    try:
        with _opener.open(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as e:
        text = e.read().decode(errors='replace')
        raise HTTPStatusError(e.code, url, text, e.headers.get('Location')) from None
    except urllib.error.URLError as e:
        reason = e.reason
        raise (reason if isinstance(reason, BaseException) else OSError(str(reason))) from None
    return json.loads(body)


def _outgoing_headers(entrypoint: object) -> dict[str, str]:
    headers = {'X-Racetrack-Auth': os.environ['AUTH_TOKEN']}
    request_context = getattr(entrypoint, 'request_context', None)
    request = request_context.get(None) if request_context is not None else None
    if request is not None:
        tracing, caller = tracing_header_name(), caller_header_name()
        headers[tracing] = request.headers.get(tracing) or ''
        headers[caller] = request.headers.get(caller) or ''
    predecessor = read_predecessor_id(entrypoint)
    if predecessor:
        logger.info(f'setting Recordkeeper predecessor ID: {predecessor}')
        headers[RK_PREDECESSOR_ID_HEADER] = predecessor
    return headers


def _pub_url() -> str:
    assert os.environ.get('JOB_NAME'), 'JOB_NAME env var is not set'
    assert 'PUB_URL' in os.environ, 'PUB_URL env var is not set'
    return os.environ['PUB_URL']


def _failure(job_name: str, version: str, e: BaseException) -> RuntimeError:
    src_job = os.environ.get('JOB_NAME')
    if isinstance(e, HTTPStatusError):
        return RuntimeError(f'failed to call job "{job_name} {version}" by {src_job}: {e}: {e.text}')
    return RuntimeError(f'failed to call job "{job_name} {version}" by {src_job}: {e}')


def call_job(
    entrypoint: object,
    job_name: str,
    path: str = '/api/v1/perform',
    payload: dict[str, Any] | None = None,
    version: str = 'latest',
    method: str = 'POST',
    timeout: float | None = 10,
) -> Any:
    """Calls another job's endpoint and returns its decoded JSON result.

    :param timeout: seconds of network inactivity that raise a timeout; None disables it.
    """
    try:
        url = f'{_pub_url()}/job/{job_name}/{version}{path}'
        return _send(method, url, payload, _outgoing_headers(entrypoint), timeout)
    except BaseException as e:
        raise _failure(job_name, version, e) from e


async def call_job_coroutine(
    entrypoint: object,
    job_name: str,
    path: str = '/api/v1/perform',
    payload: dict[str, Any] | None = None,
    version: str = 'latest',
    method: str = 'POST',
    timeout: float | None = 10,
) -> Any:
    """call_job for coroutines: the blocking request runs in a thread, with this request's context."""
    return await asyncio.to_thread(call_job, entrypoint, job_name, path, payload, version, method, timeout)


def async_job_call(
    entrypoint: object,
    job_name: str,
    path: str = '/api/v1/perform',
    payload: dict[str, Any] | None = None,
    version: str = 'latest',
    method: str = 'POST',
) -> Any:
    """Calls another job through Pub's async job calls: starts a task, then polls for its result."""
    try:
        pub_url = _pub_url()
        url = f'{pub_url}/async/new/job/{job_name}/{version}{path}'
        task_id = _send(method, url, payload, _outgoing_headers(entrypoint), _ASYNC_START_TIMEOUT)['task_id']
        return _poll_task(f'{pub_url}/async/task/{task_id}/poll')
    except BaseException as e:
        raise _failure(job_name, version, e) from e


def _poll_task(url: str) -> Any:
    """200 → the result; 202, 408, 504 or a read timeout → poll again; anything else fails."""
    while True:
        request = urllib.request.Request(url, method='GET')
        try:
            with _opener.open(request, timeout=_ASYNC_POLL_READ_TIMEOUT) as response:
                if response.status == 200:
                    return json.loads(response.read())
                status, reason = response.status, response.reason
        except urllib.error.HTTPError as e:
            status, reason = e.code, e.reason
        except TimeoutError:
            continue
        except urllib.error.URLError as e:
            if isinstance(e.reason, (socket.timeout, TimeoutError)):
                continue
            raise
        if status not in (202, 408, 504):
            raise RuntimeError(f'Response error: <Response [{status} {reason}]>')
