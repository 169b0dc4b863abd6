"""Helpers of tests/deploy/run.sh that need YAML (run with the check's venv python).

  manifests.py kube-play RENDERED.yaml OUT.yaml SUFFIX HOST_PORT IMAGE_TAG [WORKER_IMAGE]
      The Deployment of a rendered overlay, made playable by `podman kube play`: one replica,
      names and the emptyDir volume suffixed (podman turns an emptyDir into a named volume that
      pods of the same name would share), images pointed at the locally built localhost/*:TAG,
      the gateway's port published on 127.0.0.1:HOST_PORT, and the worker container's image
      replaced by WORKER_IMAGE when given. Everything else (security context,
      env, args, probes) is kept as rendered.
  manifests.py metric-names FILE...
      Every racetrack_* metric name that the files' queries use, one per line.
  manifests.py check-metrics LIVE_METRICS.txt FILE...
      Fails, naming them, if any racetrack_* name used in FILEs is not a sample name in the live
      /metrics text; prints the names checked.
"""
import re
import sys

import yaml

NAME = re.compile(r'\bracetrack_[a-z0-9_]+\b')


def kube_play(rendered, out, suffix, host_port, tag, worker_image=None):
    docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
    deployment = next(d for d in docs if d['kind'] == 'Deployment')
    deployment['metadata']['name'] += '-' + suffix
    spec = deployment['spec']
    spec['replicas'] = 1
    pod = spec['template']['spec']
    renamed = {}
    for volume in pod.get('volumes', []):
        renamed[volume['name']] = volume['name'] + '-' + suffix
        volume['name'] = renamed[volume['name']]
        volume.get('emptyDir', {}).pop('medium', None)
        volume.get('emptyDir', {}).pop('sizeLimit', None)
    for container in pod.get('initContainers', []) + pod['containers']:
        image = container['image'].split('/')[-1].split(':')[0]
        container['image'] = f'localhost/{image}:{tag}'
        if worker_image and container['name'] == 'worker':
            container['image'] = worker_image
        container['imagePullPolicy'] = 'Never'
        for mount in container.get('volumeMounts', []):
            mount['name'] = renamed.get(mount['name'], mount['name'])
        for port in container.get('ports', []):
            if port['containerPort'] == 7000:
                port['hostPort'] = int(host_port)
                port['hostIP'] = '127.0.0.1'
    with open(out, 'w') as f:
        yaml.safe_dump(deployment, f, sort_keys=False)


def metric_names(files):
    names = set()
    for path in files:
        names.update(NAME.findall(open(path).read()))
    return sorted(names)


def check_metrics(live_path, files):
    live = set()
    for line in open(live_path):
        if line and not line.startswith('#'):
            match = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)', line)
            if match:
                live.add(match.group(1))
    used = metric_names(files)
    missing = [n for n in used if n not in live]
    for n in used:
        print(('missing ' if n in missing else 'ok      ') + n)
    if not used:
        print('no racetrack_* metric names found', file=sys.stderr)
        return 1
    return 1 if missing else 0


def main(argv):
    command = argv[1]
    if command == 'kube-play':
        kube_play(*argv[2:8])
        return 0
    if command == 'metric-names':
        print('\n'.join(metric_names(argv[2:])))
        return 0
    if command == 'check-metrics':
        return check_metrics(argv[2], argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
