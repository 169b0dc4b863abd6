"""Static endpoints: files served from the job's directory (run it from here).

    racetrack_job_runner run job.py
    curl localhost:7000/api/v1/xrai            # xrai.yaml, as application/x-yaml
    curl localhost:7000/api/v1/docs/readme.md  # every file of ./docs
"""


class JobEntrypoint:
    def perform(self, text: str = 'hello') -> str:
        """Echoes the text"""
        return text

    def static_endpoints(self):
        return {
            '/xrai': ('xrai.yaml', 'application/x-yaml'),
            'manifest': 'manifest.json',
            '/docs': 'docs',
        }
