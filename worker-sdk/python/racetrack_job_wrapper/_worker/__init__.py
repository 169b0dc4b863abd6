"""Internals of the runner; jobs never import from here (the public modules are listed in
racetrack_job_wrapper/__init__.py).

The worker process hosts one job class and serves the gateway over gRPC with the C++ worker
runtime (the extension module racetrack_job_wrapper._native). It is started by the gateway
(``gateway --worker python -m racetrack_job_wrapper.worker …``), which sets
RACETRACK_WORKER_ADDRESS. Map:

- cli.py, server.py: the process, the runtime's server, signals and drain;
- native.py: finding the runtime; edge.py: what the runtime calls, plain values ↔ model.py's data;
- host.py: loads the job (loader.py, docs.py, endpoints.py) and answers JSON calls;
  http.py: Http requests (static files, aux v2, webview.py);
- invoke.py: the one pipeline every call runs through; errors.py maps exceptions and renders
  error bodies; response.py renders results;
- signature.py, binding.py, openapi.py: aux v2 parameters: where each comes from, how a request
  fills them, how the docs describe them;
- config.py: what the gateway passes in the environment; gateway.py: finding and starting the
  gateway (CLI and library mode); manifest.py: job.yaml for the ``template`` command.
"""
