"""Helpers for scripts/corpus-check, independent of the Rust code under test.

  corpus_stats.py sites DIR          eventlet call sites and references under DIR (JSON)
  corpus_stats.py summarize REPORT   edits by recipe and safety, manual items by recipe
  corpus_stats.py diffs REPORT       the diffs of a `--report json --dry-run` run
  corpus_stats.py parse FILE...      every file parses with this CPython (exit 1 if not)

An eventlet call site is a call whose callee is reached through a name bound by an eventlet
import (`eventlet.spawn(...)`, `greenthread.sleep(...)`, `sleep(...)` after
`from eventlet import sleep`), in any scope. After migration with --annotate, a remaining
call site counts as reported when a `# TODO(eventlet-migrate)` line sits above its statement.
"""
import ast
import collections
import json
import os
import sys

MARKER = '# TODO(eventlet-migrate):'


def eventlet_names(tree):
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == 'eventlet' or alias.name.startswith('eventlet.'):
                    names.add(alias.asname or alias.name.split('.')[0])
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == 'eventlet' or node.module.startswith('eventlet.'):
                for alias in node.names:
                    names.add(alias.asname or alias.name)
    return names


def annotated(lines, start):
    """Whether a `# TODO(eventlet-migrate)` comment (wrapped or not) sits above line `start`."""
    above = start - 2
    reported = False
    while above >= 0 and (lines[above].strip().startswith(MARKER)
                          or lines[above].lstrip().startswith('#   ')):
        reported = reported or lines[above].strip().startswith(MARKER)
        above -= 1
    return reported


def reported_imports(tree, lines):
    """Eventlet names whose import is reported: their uses are reported with it (a green
    module held back is reported once, at its import)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and annotated(lines, node.lineno):
            names.update(alias.asname or alias.name.split('.')[0] for alias in node.names)
    return names


def base_name(expr):
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def sites(root):
    out = {'files_with_eventlet': 0, 'calls': 0, 'references': 0,
           'unreported_calls': 0, 'unreported': []}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ('.git', '.tox', 'build')]
        for filename in filenames:
            if not filename.endswith('.py'):
                continue
            path = os.path.join(dirpath, filename)
            try:
                with open(path, 'rb') as f:
                    source = f.read()
                if b'eventlet' not in source:
                    continue
                tree = ast.parse(source)
            except (SyntaxError, ValueError, OSError):
                continue
            names = eventlet_names(tree)
            if not names:
                continue
            out['files_with_eventlet'] += 1
            lines = source.decode('utf-8', 'replace').splitlines()
            imported = reported_imports(tree, lines)
            # A statement starts at its first decorator, as in the tool.
            statements = sorted(
                (min([n.lineno] + [d.lineno for d in getattr(n, 'decorator_list', [])]),
                 getattr(n, 'end_lineno', n.lineno))
                for n in ast.walk(tree) if isinstance(n, ast.stmt))
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names:
                    out['references'] += 1
                if isinstance(node, ast.Call) and base_name(node.func) in names:
                    out['calls'] += 1
                    # The innermost statement containing the call.
                    start = max((s for s, e in statements if s <= node.lineno <= e), default=node.lineno)
                    if not (annotated(lines, start) or base_name(node.func) in imported):
                        out['unreported_calls'] += 1
                        out['unreported'].append('%s:%d' % (os.path.relpath(path, root), node.lineno))
    return out


def reason(message):
    """The kind of reason a manual item gives, for the before/after tables."""
    for needle, kind in (
            ('held back', 'held back: its process stays on eventlet'),
            ('kept: its process stays', 'monkey patching kept: its process stays'),
            ('kept: Eventlet code in this file', 'monkey patching kept: code left in the file'),
            ('passed to other code', 'object passed to other code'),
            ('is returned at', 'object returned to callers not followed'),
            ('the object is returned by', 'object returned to callers not followed'),
            ('cannot be followed', 'object cannot be followed'),
            ('which is not migrated', 'under a call left for a human'),
            ('stays on eventlet (left for a human', 'given an object that stays'),
            ('is also bound', 'name also bound otherwise'),
            ('test double', 'test double'),
    ):
        if needle in message:
            return kind
    return 'no faithful rewrite'


def summarize(report_path):
    with open(report_path) as f:
        report = json.load(f)
    manual = collections.Counter()
    reasons = collections.Counter()
    for entry in report['files']:
        for item in entry['manual']:
            manual[item['recipe']] += 1
            reasons[reason(item['message'])] += 1
    return {'edits': report['summary']['edits'], 'manual': dict(sorted(manual.items())),
            'reasons': dict(reasons.most_common()),
            'failed': [(e['path'], e['error']) for e in report['files'] if e['error']]
                      + [(e['path'], e['error']) for e in report['walk_errors']]}


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == 'sites':
        result = sites(args[0])
        if len(args) < 2 or args[1] != '--list':
            result.pop('unreported')
        print(json.dumps(result))
    elif command == 'summarize':
        print(json.dumps(summarize(args[0])))
    elif command == 'diffs':
        with open(args[0]) as f:
            report = json.load(f)
        sys.stdout.write(''.join(e['diff'] or '' for e in report['files']))
    elif command == 'parse':
        bad = 0
        for path in args:
            try:
                with open(path, 'rb') as f:
                    ast.parse(f.read(), filename=path)
            except SyntaxError as e:
                print('%s:%s: does not parse: %s' % (path, e.lineno, e.msg))
                bad += 1
        sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
