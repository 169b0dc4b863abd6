"""End to end: static endpoints (spec §9.3) through the real gateway and a Python worker,
including the gateway's cache: validators from the worker, 304s to clients, edits seen at once."""
from __future__ import annotations

import os
import shutil

from conftest import EXAMPLES


def test_static_files_with_mimetypes(start_job):
    job = start_job('job.py', cwd=EXAMPLES / 'static')
    job.wait_ready()
    xrai = job.get('/api/v1/xrai')
    assert (xrai.status, xrai.headers['content-type']) == (200, 'application/x-yaml')
    assert xrai.body == (EXAMPLES / 'static' / 'xrai.yaml').read_bytes()
    manifest = job.get('/pub/job/static/1.0/api/v1/manifest')
    assert (manifest.status, manifest.headers['content-type']) == (200, 'application/json')
    readme = job.get('/api/v1/docs/readme.md')
    assert readme.headers['content-type'] == 'text/markdown; charset=utf-8'
    png = job.get('/api/v1/docs/pixel.png')
    assert (png.headers['content-type'], png.body) == ('image/png', b'\x89PNG\r\n\x1a\n\x00\x01binary')
    assert job.get('/api/v1/docs').status == 404  # a directory itself is not served
    assert job.get('/api/v1/docs/../job.py').status == 404
    wrong = job.request('POST', '/api/v1/xrai')
    assert (wrong.status, wrong.headers['allow']) == (405, 'GET, HEAD')
    head = job.request('HEAD', '/api/v1/xrai')
    assert (head.status, head.body) == (200, b'')
    assert 'configured static endpoint: /xrai -> xrai.yaml (application/x-yaml)' in job.logs()


def test_static_validators_and_edits(start_job, tmp_path):
    shutil.copytree(EXAMPLES / 'static', tmp_path / 'job')
    job = start_job('job.py', cwd=tmp_path / 'job')
    job.wait_ready()
    first = job.get('/api/v1/xrai')
    etag, last_modified = first.headers['etag'], first.headers['last-modified']
    assert job.get('/api/v1/xrai').body == first.body  # from the gateway's cache, revalidated
    not_modified = job.get('/api/v1/xrai', headers={'If-None-Match': etag})
    assert (not_modified.status, not_modified.body) == (304, b'')
    assert not_modified.headers['etag'] == etag
    assert job.get('/api/v1/xrai', headers={'If-Modified-Since': last_modified}).status == 304
    assert job.get('/api/v1/xrai', headers={'If-None-Match': '"other"'}).status == 200
    # An edit shows up at once, with a new ETag.
    path = tmp_path / 'job' / 'xrai.yaml'
    path.write_text('explainer: edited\n')
    os.utime(path, ns=(first_ns := os.stat(path).st_mtime_ns + 10**9, first_ns))
    edited = job.get('/api/v1/xrai', headers={'If-None-Match': etag})
    assert (edited.status, edited.body) == (200, b'explainer: edited\n')
    assert edited.headers['etag'] != etag
    path.unlink()
    assert job.get('/api/v1/xrai').status == 404
