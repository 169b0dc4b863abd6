"""A webview that is a raw ASGI callable (no framework): echoes what it was given."""
import json


class AsgiWebviewJob:
    def perform(self) -> str:
        return 'ok'

    def webview_app(self, base_url: str):
        async def app(scope, receive, send):
            body = b''
            while True:
                message = await receive()
                body += message.get('body', b'')
                if not message.get('more_body'):
                    break
            if scope['path'] == '/missing':
                await send({'type': 'http.response.start', 'status': 404,
                            'headers': [(b'content-type', b'application/json')]})
                await send({'type': 'http.response.body', 'body': b'{"detail":"Not Found"}'})
                return
            echo = {'base_url': base_url, 'method': scope['method'], 'path': scope['path'],
                    'root_path': scope['root_path'], 'query': scope['query_string'].decode(),
                    'body_len': len(body), 'body_sum': sum(body),
                    'x_test': dict(scope['headers']).get(b'x-test', b'').decode()}
            await send({'type': 'http.response.start', 'status': 200,
                        'headers': [(b'content-type', b'application/json'), (b'set-cookie', b'a=1'),
                                    (b'set-cookie', b'b=2')]})
            body = json.dumps(echo).encode()
            await send({'type': 'http.response.body', 'body': body[:10], 'more_body': True})
            await send({'type': 'http.response.body', 'body': json.dumps(echo).encode()[10:]})
        return app
