"""Style findings of `eventlet-migrate migrate` patches on the 2024 OpenStack corpus (scripts/flake8-check).

Per project: copy .corpus-cache/src/<name> to a fresh scratch tree (.corpus-cache/work/flake8/<name>),
migrate it in place with the binary in BIN, find the .py files whose content changed, and run
flake8 (default pycodestyle + pyflakes checks, `--isolated` so the project's config and plugins
such as hacking do not apply) on the original and the migrated version of those files. Prints
the findings per code before and after, how many of the after-findings sit on lines the tool
added or changed (by difflib against the original: on-changed-lines) and how many in a statement
one of those lines belongs to (in-changed-stmts: also the untouched continuation lines a renamed
callee misaligns), with up to 10 examples; then the same for all projects together. A finding
caused by a deleted line (F841 once the only use of a variable is gone) is on no written line:
only the before/after columns show it. Measures, asserts nothing: exit status 0; 1 when the
corpus is missing or a step breaks (the tool crashing, flake8 failing to run).
"""
import argparse
import collections
import difflib
import io
import os
import re
import shutil
import subprocess
import sys
import tokenize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get('CORPUS_CACHE') or os.path.join(ROOT, '.corpus-cache')
SRC = os.path.join(CACHE, 'src')
WORK = os.path.join(CACHE, 'work', 'flake8')
VENV = os.path.join(CACHE, 'flake8-venv')
PYTHON = os.environ.get('PYTHON', 'python3')
PROJECTS = ('nova', 'neutron', 'swift', 'cinder', 'ironic', 'oslo.service')
EXAMPLES = 10

# One finding per line, path relative to the tree flake8 runs in (the same for both versions).
FORMAT = '%(path)s:%(row)d:%(col)d: %(code)s %(text)s'
FINDING = re.compile(r'^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>\S+) (?P<text>.*)$')

Finding = collections.namedtuple('Finding', 'path line col code text')


def fail(message):
    print('flake8-check: %s' % message, file=sys.stderr)
    sys.exit(1)


def ensure_flake8():
    """The venv's python, with flake8 installed into it the first time."""
    python = os.path.join(VENV, 'bin', 'python')
    if os.path.exists(python) and subprocess.run([python, '-m', 'flake8', '--version'],
                                                  capture_output=True).returncode == 0:
        return python
    print('flake8-check: installing flake8 into %s' % VENV, file=sys.stderr, flush=True)
    for command in ([PYTHON, '-m', 'venv', VENV], [python, '-m', 'pip', 'install', '--quiet', 'flake8']):
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            fail('`%s` failed:\n%s' % (' '.join(command), result.stderr.strip()))
    return python


def migrate(name, binary):
    """A fresh scratch copy of the project, migrated in place; returns its path."""
    work = os.path.join(WORK, name)
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(os.path.join(SRC, name), work, symlinks=True)
    result = subprocess.run([binary, 'migrate', '--target', 'threading', '.'], cwd=work,
                            capture_output=True, text=True)
    # 1 means findings were reported, 2 that some files could not be processed: the others
    # were still written, so both are measured. Anything else is a crash.
    if result.returncode not in (0, 1, 2):
        fail('%s: `eventlet-migrate migrate` exited %d:\n%s'
             % (name, result.returncode, result.stderr.strip()[-2000:]))
    if result.returncode == 2:
        print('flake8-check: %s: some files could not be processed (exit 2); measuring the rest'
              % name, file=sys.stderr)
    return work


def changed_files(original, migrated):
    """Relative paths of the .py files whose content the migration changed, sorted."""
    changed = []
    for directory, _, files in os.walk(migrated):
        for file in files:
            if not file.endswith('.py'):
                continue
            path = os.path.relpath(os.path.join(directory, file), migrated)
            before = os.path.join(original, path)
            # A file the tool created has no original: every line of it is the tool's.
            if not os.path.exists(before) or read(before) != read(os.path.join(migrated, path)):
                changed.append(path)
    return sorted(changed)


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def flake8(python, tree, paths):
    """Findings of `flake8 --isolated` on paths (relative to tree), in one invocation."""
    paths = [p for p in paths if os.path.exists(os.path.join(tree, p))]
    if not paths:
        return []
    result = subprocess.run([python, '-m', 'flake8', '--isolated', '--format', FORMAT, '--', *paths],
                            cwd=tree, capture_output=True, text=True)
    # flake8 exits 1 when it reports findings; anything else (or stderr noise) is its failure.
    if result.returncode not in (0, 1) or result.stderr.strip():
        fail('flake8 in %s exited %d:\n%s' % (tree, result.returncode, result.stderr.strip()[-2000:]))
    findings = []
    for line in result.stdout.splitlines():
        match = FINDING.match(line)
        if not match:
            fail('unexpected flake8 output line: %r' % line)
        findings.append(Finding(os.path.normpath(match['path']), int(match['line']),
                                int(match['col']), match['code'], match['text']))
    return findings


def written_lines(original, migrated, path):
    """Line numbers (1-based) of the migrated file that difflib sees as added or changed, and
    those plus every other line of a statement that has one of them: a continuation line the
    tool left alone can still be flagged because of it (E128 after a callee was renamed)."""
    before_path = os.path.join(original, path)
    before = read(before_path).decode('utf-8', 'replace') if os.path.exists(before_path) else ''
    after = read(os.path.join(migrated, path)).decode('utf-8', 'replace')
    lines = set()
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ('replace', 'insert'):
            lines.update(range(j1 + 1, j2 + 1))
    statements = set(lines)
    for first, last in statement_spans(after):
        if any(line in lines for line in range(first, last + 1)):
            statements.update(range(first, last + 1))
    return lines, statements


def statement_spans(text):
    """(first, last) physical lines of each logical line of a Python source; none if it does
    not tokenize (then only the written lines themselves are counted)."""
    spans = []
    first = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT,
                              tokenize.ENDMARKER) and first is None:
                continue
            if first is None:
                first = token.start[0]
            if token.type == tokenize.NEWLINE:
                spans.append((first, token.end[0]))
                first = None
    except (tokenize.TokenError, SyntaxError):
        return []
    return spans


class Tally:
    """Findings per code before and after, and the after-findings on lines the tool wrote and
    in statements it wrote part of."""

    def __init__(self):
        self.files = 0
        self.before = collections.Counter()
        self.after = collections.Counter()
        self.on_written = collections.Counter()
        self.in_statement = collections.Counter()
        self.examples = []   # (finding, on a written line itself)

    def add(self, other):
        self.files += other.files
        for counter in ('before', 'after', 'on_written', 'in_statement'):
            getattr(self, counter).update(getattr(other, counter))
        self.examples += other.examples

    def print(self, title, examples=True):
        print('== %s: %d changed files ==' % (title, self.files))
        rows = [(code, self.before[code], self.after[code], self.on_written[code], self.in_statement[code])
                for code in sorted(set(self.before) | set(self.after))]
        rows.append(('total', *(sum(c.values()) for c in (self.before, self.after, self.on_written,
                                                           self.in_statement))))
        print('  %-6s %7s %6s  %16s  %18s' % ('code', 'before', 'after', 'on-changed-lines',
                                              'in-changed-stmts'))
        for row in rows:
            print('  %-6s %7d %6d  %16d  %18d' % row)
        print('  new findings on changed lines: %d (in changed statements: %d)'
              % (sum(self.on_written.values()), sum(self.in_statement.values())))
        for finding, on_written in self.examples[:EXAMPLES if examples else 0]:
            print('    %s:%d:%d %s %s%s' % (*finding, '' if on_written else '   [continuation of a changed line]'))
        sys.stdout.flush()


def check(name, binary, python):
    original = os.path.join(SRC, name)
    migrated = migrate(name, binary)
    paths = changed_files(original, migrated)
    tally = Tally()
    tally.files = len(paths)
    tally.before.update(f.code for f in flake8(python, original, paths))
    written = {path: written_lines(original, migrated, path) for path in paths}
    for finding in flake8(python, migrated, paths):
        tally.after[finding.code] += 1
        lines, statements = written.get(finding.path, ((), ()))
        if finding.line in statements:
            tally.in_statement[finding.code] += 1
            tally.on_written[finding.code] += int(finding.line in lines)
            tally.examples.append((finding._replace(path=os.path.join(name, finding.path)),
                                   finding.line in lines))
    return tally


def main():
    parser = argparse.ArgumentParser(
        prog='scripts/flake8-check',
        description='flake8 findings on the files eventlet-migrate changes in the 2024 OpenStack '
                    'corpus, before and after, and those on the lines it wrote.')
    # Checked by hand: Python 3.11's argparse rejects an empty list against choices with nargs='*'.
    parser.add_argument('projects', nargs='*', metavar='PROJECT',
                        help='any of %s (default: all)' % ', '.join(PROJECTS))
    args = parser.parse_args()
    unknown = [p for p in args.projects if p not in PROJECTS]
    if unknown:
        parser.error('not in the corpus: %s (any of %s)' % (', '.join(unknown), ', '.join(PROJECTS)))
    projects = args.projects or list(PROJECTS)
    missing = [p for p in projects if not os.path.isdir(os.path.join(SRC, p))]
    if missing:
        fail('no corpus for %s in %s: run scripts/fetch-corpus first' % (', '.join(missing), SRC))
    binary = os.environ.get('BIN')
    if not binary or not os.path.isfile(binary) or not os.access(binary, os.X_OK):
        fail('BIN must name the eventlet-migrate binary (an executable file; got %r); '
             'scripts/flake8-check builds it' % binary)
    binary = os.path.abspath(binary)
    python = ensure_flake8()
    total = Tally()
    for name in projects:
        tally = check(name, binary, python)
        tally.print(name)
        total.add(tally)
    if len(projects) > 1:
        total.print('all', examples=False)   # already listed per project


if __name__ == '__main__':
    main()
