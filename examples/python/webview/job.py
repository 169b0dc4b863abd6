"""A webview (spec §10): a Flask app served under /pub/job/<name>/<version>/api/v1/webview.

    pip install flask
    racetrack_job_runner run job.py
    open http://localhost:7000/pub/job/webview/1.0.0/api/v1/webview/

As in the original runner, the Flask app sees full prefixed paths (SCRIPT_NAME is empty and
PATH_INFO is always base_url + the rest), so its routes are registered under base_url and
url_for gives prefixed links. ./static is served at base_url/static by the runner itself.
"""
from flask import (
    Flask,
    jsonify,
    make_response,
    redirect,
    render_template_string,
    request,
    url_for,
)

PAGE = '''<!doctype html>
<html><head><title>Webview</title>
<link rel="stylesheet" href="{{ url_for('static', filename='style.css') }}"></head>
<body><h1>Hello{% if name %}, {{ name }}{% endif %}</h1>
<form method="post" action="{{ url_for('greet') }}"><input name="name"><button>Greet</button></form>
</body></html>'''


class JobEntrypoint:
    def perform(self, x: float, y: float) -> float:
        """Adds two numbers"""
        return x + y

    def webview_app(self, base_url: str):
        # The runner serves ./static at base_url/static before the app; Flask's own static route
        # only gives url_for('static', ...) its prefixed links.
        app = Flask(__name__, static_url_path=base_url + '/static')

        @app.route(base_url + '/')
        def index():
            return render_template_string(PAGE, name=request.cookies.get('name'))

        @app.route(base_url + '/greet', methods=['POST'])
        def greet():
            response = redirect(url_for('index'))
            response.set_cookie('name', request.form.get('name', ''), path='/')
            response.set_cookie('greeted', '1', path='/')
            return response

        @app.route(base_url + '/postme', methods=['POST'])
        def postme():
            return jsonify({'received': request.get_json(), 'path': request.path})

        @app.route(base_url + '/bytes')
        def binary():
            response = make_response(bytes(range(256)))
            response.headers['Content-Type'] = 'application/octet-stream'
            return response

        @app.errorhandler(404)
        def not_found(_e):
            return f'requested path was not found: {request.path}', 404

        return app.wsgi_app
