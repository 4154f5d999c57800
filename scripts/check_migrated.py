"""Checks migrated files: each parses with CPython, and no eventlet.sleep,
greenthread.sleep or eventlet.green import is left (unless a line opts out with
`# eventlet-migrate: ignore`). Prints one line per problem; exits 1 if any."""
import ast
import sys

problems = 0
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        source = f.read()
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as e:
        print(f'{path}:{e.lineno}: does not parse: {e.msg}')
        problems += 1
        continue
    lines = source.decode('utf-8', 'replace').splitlines()

    def ignored(node):
        return 'eventlet-migrate: ignore' in lines[node.lineno - 1]

    for node in ast.walk(tree):
        bad = None
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == 'eventlet.green' or node.module.startswith('eventlet.green.'):
                bad = f'from {node.module} import ...'
            elif node.module in ('eventlet', 'eventlet.greenthread') and any(a.name == 'sleep' for a in node.names):
                bad = f'from {node.module} import sleep'
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith('eventlet.green.'):
                    bad = f'import {alias.name}'
        if bad and not ignored(node):
            print(f'{path}:{node.lineno}: left behind: {bad}')
            problems += 1
sys.exit(1 if problems else 0)
