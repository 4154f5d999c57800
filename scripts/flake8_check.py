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

--project-config: check each changed file the way the project's own pep8 gate would. The scratch
tree is .corpus-cache/work/flake8-project/<name>, and flake8 runs with its root as cwd, without
--isolated, so that the project's config (the first of setup.cfg, tox.ini, .flake8 with a [flake8]
section: max-line-length, ignore, select, enable-extensions, per-file-ignores, exclude, ...)
applies, local plugins ([flake8:local-plugins]) included: `python -m flake8` puts the root on
sys.path, as an installed project would be. The flake8 plugins come from the gate's own
requirements: `tox -e pep8` running pre-commit -> the hacking (or flake8) hook of
.pre-commit-config.yaml, its rev and additional_dependencies (its exclude/files patterns select
the files); else the deps of [testenv:pep8] (or of [testenv], which it inherits), with
{[section]deps} and -r files followed; hacking from test-requirements.txt if neither names it.
Of those, hacking, flake8, pycodestyle, pyflakes, mccabe and flake8-* plugins are installed
(other tools of the gate are not run): hacking at the newest release its range allows (release
list from `pip index versions hacking`, cached in .corpus-cache/flake8-hacking-versions.txt;
delete it to refresh), with the flake8 that release requires, into
.corpus-cache/flake8-hacking-venv-<version> (a -<hash> suffix when the gate names other plugins
too), created on first use. A local plugin that cannot be imported (a project dependency
missing) is reported and left out: flake8 then runs with a copy of the config without it
(.flake8-check-project.cfg in the scratch root, `--config`). The "before" run restores the
original changed files into the same scratch tree, then puts the migrated ones back. Same
tables; every finding in a changed statement is listed with its source line, per project and
in total.
"""
import argparse
import collections
import configparser
import difflib
import hashlib
import io
import json
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
PROJECT_WORK = os.path.join(CACHE, 'work', 'flake8-project')
HACKING_VERSIONS = os.path.join(CACHE, 'flake8-hacking-versions.txt')
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


def pinned_flake8():
    """flake8 and its checkers as `cargo test --test style` pins them (scripts/equivalence-env
    is the one place the versions are written)."""
    with open(os.path.join(ROOT, 'scripts', 'equivalence-env')) as f:
        script = f.read()
    version = re.search(r'^FLAKE8_VERSION=(\S+)', script, re.M)
    deps = re.search(r'^FLAKE8_DEPS=\(([^)]*)\)', script, re.M)
    if not version or not deps:
        fail('cannot read the pinned flake8 from scripts/equivalence-env')
    return ['flake8==%s' % version.group(1)] + deps.group(1).split()


def ensure_flake8():
    """The venv's python, with the pinned flake8 installed into it the first time."""
    requirements = pinned_flake8()
    venv = '%s-%s' % (VENV, requirements[0].split('==')[1])
    python = os.path.join(venv, 'bin', 'python')
    if os.path.exists(python) and subprocess.run([python, '-m', 'flake8', '--version'],
                                                  capture_output=True).returncode == 0:
        return python
    print('flake8-check: installing %s into %s' % (' '.join(requirements), venv),
          file=sys.stderr, flush=True)
    for command in ([PYTHON, '-m', 'venv', venv], [python, '-m', 'pip', 'install', '--quiet', *requirements]):
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            fail('`%s` failed:\n%s' % (' '.join(command), result.stderr.strip()))
    return python


def migrate(name, binary, scratch=WORK):
    """A fresh scratch copy of the project (under scratch), migrated in place; returns its path."""
    work = os.path.join(scratch, name)
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


def flake8(python, tree, paths, options=('--isolated',)):
    """Findings of `flake8 --isolated` (or with the given options) on paths (relative to tree, the
    cwd), in one invocation."""
    paths = [p for p in paths if os.path.exists(os.path.join(tree, p))]
    if not paths:
        return []
    result = subprocess.run([python, '-m', 'flake8', *options, '--format', FORMAT, '--', *paths],
                            cwd=tree, capture_output=True, text=True)
    # flake8 exits 1 when it reports findings; anything else (or stderr noise) is its failure.
    if result.returncode not in (0, 1) or result.stderr.strip():
        fail('flake8 in %s exited %d:\n%s' % (tree, result.returncode, result.stderr.strip()[-2000:]))
    findings = []
    for line in result.stdout.splitlines():
        match = FINDING.match(line)
        if not match:
            fail('unexpected flake8 output line: %r' % line)
        # hacking's messages start with 'H306:', which flake8 takes for the code.
        findings.append(Finding(os.path.normpath(match['path']), int(match['line']),
                                int(match['col']), match['code'].rstrip(':'), match['text']))
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
        self.sources = {}    # (path, line) -> that line of the migrated file (--project-config)

    def add(self, other):
        self.files += other.files
        for counter in ('before', 'after', 'on_written', 'in_statement'):
            getattr(self, counter).update(getattr(other, counter))
        self.examples += other.examples
        self.sources.update(other.sources)

    def print(self, title, examples=True, limit=EXAMPLES):
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
        for finding, on_written in self.examples[:limit if examples else 0]:
            print('    %s:%d:%d %s %s%s' % (*finding, '' if on_written else '   [continuation of a changed line]'))
            source = self.sources.get((finding.path, finding.line))
            if source is not None:
                print('      | %s' % source)
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


# --project-config ------------------------------------------------------------------------------

# The requirements of a gate that are flake8 or its plugins: installed; the gate's other tools are not.
LINTER = re.compile(r'^(hacking|flake8|flake8[-_.].+|pycodestyle|pyflakes|mccabe)$', re.I)
REQUIREMENT = re.compile(r'^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*)')
CONFIG_FILES = ('setup.cfg', 'tox.ini', '.flake8')   # flake8's search order in a directory
GENERATED_CONFIG = '.flake8-check-project.cfg'

# Imports each local plugin as `python -m flake8` would (cwd first on sys.path, then the paths of
# [flake8:local-plugins]); prints {target: error} for those that fail.
PROBE = r'''
import importlib, json, sys
sys.path.extend(json.loads(sys.argv[1]))
failed = {}
for target in json.loads(sys.argv[2]):
    module, _, attribute = target.partition(':')
    try:
        value = importlib.import_module(module.strip())
        for part in filter(None, attribute.strip().split('.')):
            value = getattr(value, part)
    except BaseException as error:
        failed[target] = '%s: %s' % (type(error).__name__, error)
print(json.dumps(failed))
'''


def read_config(path):
    config = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        config.read(path, encoding='utf-8')
    except configparser.Error as error:
        fail('cannot read %s: %s' % (path, error))
    return config


def comma_list(value):
    """flake8's reading of a list option: items separated by commas or whitespace/newlines."""
    return [item for item in re.split(r'[,\s]+', value or '') if item]


def requirement_lines(text, tox, tree, seen=()):
    """The requirement lines of a tox deps value (or a requirements file): comments dropped,
    {[section]key} substituted, -r files read, other options (-c, -e) skipped."""
    lines = []
    for raw in (text or '').splitlines():
        line = re.sub(r'(^|\s)#.*$', '', raw).strip()
        reference = re.fullmatch(r'\{\[([^\]]+)\]([\w-]+)\}', line)
        if reference:
            section, key = reference.groups()
            if (section, key) not in seen and tox.has_option(section, key):
                lines += requirement_lines(tox.get(section, key), tox, tree, (*seen, (section, key)))
        elif re.match(r'-r\s*|--requirement[=\s]', line):
            name = re.sub(r'^(-r|--requirement)[=\s]*', '', line).replace('{toxinidir}', tree)
            path = os.path.join(tree, name)
            if path not in seen and os.path.isfile(path):
                with open(path, encoding='utf-8') as f:
                    lines += requirement_lines(f.read(), tox, tree, (*seen, path))
        elif line and not line.startswith('-'):
            lines.append(line)
    return lines


def precommit_hooks(path):
    """(repo, rev, hook) for every hook of a .pre-commit-config.yaml; hook: its scalar keys, and
    additional_dependencies as a list. A line-based reading of the usual layout (one key per line,
    block or [flow] lists, | and > block scalars), not a YAML parser."""
    hooks, repo, rev, hook, list_indent, block = [], None, None, None, None, None
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    for raw in lines + [None]:   # None: the end, which closes a block scalar too
        indent = len(raw) - len(raw.lstrip()) if raw is not None else -1
        if block is not None:   # (key, indent of the key, lines, folded)
            if raw is not None and (not raw.strip() or indent > block[1]):
                block[2].append(raw)
                continue
            if hook is not None:
                width = min((len(b) - len(b.lstrip()) for b in block[2] if b.strip()), default=0)
                text = '\n'.join(b[width:] for b in block[2]).strip('\n') + '\n'
                hook[block[0]] = ' '.join(text.split('\n')).strip() if block[3] else text
            block = None
        if raw is None:
            break
        if not raw.strip() or raw.lstrip().startswith('#'):
            continue
        text = raw.strip()
        if list_indent is not None and text.startswith('- ') and indent >= list_indent:
            hook['additional_dependencies'].append(yaml_scalar(text[2:]))
            continue
        list_indent = None
        match = re.match(r'^(?:-\s+)?([\w-]+):\s*(.*)$', text)
        if not match:
            continue
        key, value = match.group(1), yaml_scalar(match.group(2))
        if key == 'repo':
            repo, rev, hook = value, None, None
        elif key == 'rev':
            rev = value
            for entry in hooks:   # a rev after the hooks still belongs to their repo
                if entry[0] == repo and entry[1] is None:
                    entry[1] = rev
        elif key == 'id' and repo is not None:
            hook = {'id': value, 'additional_dependencies': []}
            hooks.append([repo, rev, hook])
        elif re.fullmatch(r'[|>][-+]?', value):
            block = (key, indent + (2 if text.startswith('- ') else 0), [], value[0] == '>')
        elif hook is not None and key == 'additional_dependencies':
            if value.startswith('['):
                hook[key] = [yaml_scalar(item) for item in value.strip('[]').split(',') if item.strip()]
            elif not value:
                list_indent = indent
        elif hook is not None:
            hook[key] = value
    return [tuple(entry) for entry in hooks]


def yaml_scalar(value):
    """A plain or quoted one-line YAML scalar, without a trailing comment."""
    quoted = re.match(r'^(["\'])(.*?)\1', value.strip())
    return quoted.group(2) if quoted else re.sub(r'\s+#.*$', '', value.strip())


class Gate:
    """How a project's pep8 gate runs flake8: the linter requirements, where they come from, and
    which files the gate hands flake8 (a pre-commit hook's exclude/files)."""

    def __init__(self, tree):
        self.requirements = collections.OrderedDict()   # name -> [specifier, ...]
        self.sources = []
        self.exclude = self.files = None
        tox = read_config(os.path.join(tree, 'tox.ini'))
        pep8 = 'testenv:pep8' if tox.has_section('testenv:pep8') else None
        commands = tox.get(pep8, 'commands', fallback='') if pep8 else ''
        precommit = os.path.join(tree, '.pre-commit-config.yaml')
        if pep8 and re.search(r'\bpre-commit\b', commands) and os.path.isfile(precommit):
            for repo, rev, hook in precommit_hooks(precommit):
                if hook['id'] in ('hacking', 'flake8') and re.search(r'/(hacking|flake8)(\.git)?/?$', repo):
                    self.add(['%s==%s' % (hook['id'], (rev or '').lstrip('v'))] + hook['additional_dependencies'])
                    self.exclude, self.files = hook.get('exclude'), hook.get('files')
                    self.sources.append('.pre-commit-config.yaml, %s hook %s (tox -e pep8 runs pre-commit)'
                                        % (hook['id'], rev))
        elif pep8 or tox.has_section('testenv'):
            section = pep8 if pep8 and tox.has_option(pep8, 'deps') else 'testenv'
            if self.add(requirement_lines(tox.get(section, 'deps', fallback=''), tox, tree)):
                inherited = ' (inherited by [testenv:pep8])' if section == 'testenv' and pep8 else ''
                self.sources.append('tox.ini [%s] deps%s' % (section, inherited))
        if 'hacking' not in self.requirements:
            path = os.path.join(tree, 'test-requirements.txt')
            if os.path.isfile(path):
                with open(path, encoding='utf-8') as f:
                    found = [line for line in requirement_lines(f.read(), tox, tree)
                             if REQUIREMENT.match(line).group(1).lower() == 'hacking']
                if self.add(found):
                    self.sources.append('test-requirements.txt')

    def add(self, lines):
        """Records the linter requirements among lines; whether there was one."""
        added = False
        for line in lines:
            match = REQUIREMENT.match(line)
            if match and LINTER.match(match.group(1)):
                name = match.group(1).lower().replace('_', '-')
                specifier = match.group(2).strip().replace(' ', '')
                self.requirements.setdefault(name, [])
                if specifier and specifier not in self.requirements[name]:
                    self.requirements[name].append(specifier)
                added = True
        return added

    def checks(self, path):
        """Whether the gate hands path to flake8 (pre-commit: re.search of files, not exclude)."""
        if self.files and not re.search(self.files, path):
            return False
        return not (self.exclude and re.search(self.exclude, path))

    def describe(self):
        return ', '.join(name + (','.join(specs) or ' (any)') for name, specs in self.requirements.items())


def specifier_set(text):
    try:
        from pip._vendor.packaging.specifiers import SpecifierSet
        from pip._vendor.packaging.version import Version
    except ImportError:
        try:
            from packaging.specifiers import SpecifierSet
            from packaging.version import Version
        except ImportError:
            fail('--project-config needs pip (or packaging) in %s to read version ranges' % PYTHON)
    return SpecifierSet(text), Version


def hacking_version(specifiers):
    """The newest hacking release the specifiers allow (the exact one for a single ==X)."""
    if len(specifiers) == 1 and re.fullmatch(r'===?[\w.+-]+', specifiers[0]):
        return specifiers[0].lstrip('=')
    if not os.path.isfile(HACKING_VERSIONS):
        result = subprocess.run([PYTHON, '-m', 'pip', 'index', 'versions', 'hacking'],
                                capture_output=True, text=True)
        match = re.search(r'^Available versions: (.*)$', result.stdout, re.M)
        if result.returncode != 0 or not match:
            fail('cannot list the releases of hacking (`%s -m pip index versions hacking` exited %d):\n%s'
                 % (PYTHON, result.returncode, result.stderr.strip()[-2000:]))
        os.makedirs(CACHE, exist_ok=True)
        with open(HACKING_VERSIONS, 'w') as f:
            f.write('\n'.join(v.strip() for v in match.group(1).split(',')) + '\n')
    with open(HACKING_VERSIONS) as f:
        versions = [line.strip() for line in f if line.strip()]
    allowed, Version = specifier_set(','.join(specifiers))
    matching = sorted(allowed.filter(versions), key=Version)
    if not matching:
        fail('no hacking release satisfies %s (releases in %s)' % (','.join(specifiers), HACKING_VERSIONS))
    return str(matching[-1])


def ensure_gate_venv(gate):
    """The python of a venv with the gate's linters (hacking at the newest allowed release, with
    the flake8 it requires), created the first time; and the requirements installed."""
    extras = ['%s%s' % (name, ','.join(specs)) for name, specs in gate.requirements.items() if name != 'hacking']
    if 'hacking' in gate.requirements:
        version = hacking_version(gate.requirements['hacking'])
        requirements = ['hacking==%s' % version] + extras
        name = 'flake8-hacking-venv-%s' % version
    elif extras:
        requirements, name = extras, 'flake8-gate-venv'
    else:
        return ensure_flake8(), []
    if extras:   # the same hacking with other plugins (or ranges) is another venv
        name += '-' + hashlib.sha1('\n'.join(sorted(extras)).encode()).hexdigest()[:8]
    venv = os.path.join(CACHE, name)
    python = os.path.join(venv, 'bin', 'python')
    marker = os.path.join(venv, 'flake8-check-requirements.txt')
    wanted = '\n'.join(requirements) + '\n'
    if (os.path.isfile(marker) and open(marker).read() == wanted
            and subprocess.run([python, '-m', 'flake8', '--version'], capture_output=True).returncode == 0):
        return python, requirements
    print('flake8-check: installing %s into %s' % (' '.join(requirements), venv), file=sys.stderr, flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    for command in ([PYTHON, '-m', 'venv', venv], [python, '-m', 'pip', 'install', '--quiet', *requirements]):
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            fail('`%s` failed:\n%s' % (' '.join(command), result.stderr.strip()[-2000:]))
    with open(marker, 'w') as f:
        f.write(wanted)
    return python, requirements


def flake8_version(python):
    result = subprocess.run([python, '-m', 'flake8', '--version'], capture_output=True, text=True)
    return ' '.join(result.stdout.split())


def project_config(tree):
    """(file name, parsed config) of the config flake8 reads in tree: the first of CONFIG_FILES
    with a flake8 section; (None, None) if none has one."""
    for name in CONFIG_FILES:
        path = os.path.join(tree, name)
        if os.path.isfile(path):
            config = read_config(path)
            if config.has_section('flake8') or config.has_section('flake8:local-plugins'):
                return name, config
    return None, None


def local_plugins(config):
    """[(code, 'module:attribute', kind)] of [flake8:local-plugins] and its paths."""
    section = 'flake8:local-plugins'
    if not config or not config.has_section(section):
        return [], []
    plugins = []
    for kind in ('extension', 'report'):
        for entry in re.split(r'[,\n]', config.get(section, kind, fallback='')):
            if entry.strip():
                code, _, target = entry.partition('=')
                plugins.append((code.strip(), target.strip(), kind))
    return plugins, comma_list(config.get(section, 'paths', fallback=''))


def project_options(python, tree, notes):
    """flake8's options for tree: its own config, or, when some local plugins cannot be imported,
    a copy of it without them (written into tree's root so relative paths stay the same). Appends
    what it did to notes; returns (options, the unloadable plugins' errors by module)."""
    options = ['--no-show-source']   # show-source = true in a config would break the parsing
    name, config = project_config(tree)
    if not name:
        notes.append('config: none (no [flake8] section in %s): flake8 defaults' % ', '.join(CONFIG_FILES))
        return options, {}
    sections = [s for s in ('flake8', 'flake8:local-plugins') if config.has_section(s)]
    notes.append('config: %s [%s]' % (name, '], ['.join(sections)))
    plugins, paths = local_plugins(config)
    if not plugins:
        return options, {}
    absolute = [os.path.normpath(os.path.join(tree, p)) for p in paths]
    result = subprocess.run([python, '-c', PROBE, json.dumps(absolute),
                             json.dumps(sorted({target for _, target, _ in plugins}))],
                            cwd=tree, capture_output=True, text=True)
    if result.returncode != 0:
        fail('probing the local plugins in %s failed:\n%s' % (tree, result.stderr.strip()[-2000:]))
    failed = json.loads(result.stdout)
    kept = [p for p in plugins if p[1] not in failed]
    notes.append('local plugins: %d of %d loaded (paths: %s)'
                 % (len(kept), len(plugins), ', '.join(paths) or 'none; the root is on sys.path'))
    if not failed:
        return options, {}
    errors = collections.OrderedDict()
    for code, target, _ in plugins:
        if target in failed:
            module = target.partition(':')[0]
            errors.setdefault((module, failed[target]), []).append(code)
    for (module, error), codes in errors.items():
        notes.append('NOT APPLIED: local plugin %s (%s): %s' % (module, ' '.join(codes), error))
    generated = configparser.RawConfigParser(interpolation=None)
    for section in ('flake8', 'hacking'):
        if config.has_section(section):
            generated[section] = dict(config.items(section))
    local = {}
    for kind in ('extension', 'report'):
        entries = ['%s = %s' % (code, target) for code, target, k in kept if k == kind]
        if entries:
            local[kind] = '\n' + '\n'.join(entries)
    if local:
        local['paths'] = '\n' + '\n'.join(absolute)
        generated['flake8:local-plugins'] = local
    with open(os.path.join(tree, GENERATED_CONFIG), 'w') as f:
        generated.write(f)
    notes.append('running without them: --config %s (%s less those plugins)' % (GENERATED_CONFIG, name))
    return options + ['--config', GENERATED_CONFIG], errors


def check_project(name, binary):
    """As check(), the way the project's pep8 gate runs flake8; returns (tally, notes, unapplied)."""
    original = os.path.join(SRC, name)
    gate = Gate(original)
    python, requirements = ensure_gate_venv(gate)
    notes = ['gate: %s, from %s' % (gate.describe() or 'no linter requirements',
                                    '; '.join(gate.sources) or 'nowhere (plain flake8)')]
    notes.append('installed: %s in %s' % (' '.join(requirements) or 'flake8', os.path.relpath(
        os.path.dirname(os.path.dirname(python)), ROOT)))
    notes.append('flake8 --version: %s' % flake8_version(python))
    migrated = migrate(name, binary, PROJECT_WORK)
    options, errors = project_options(python, migrated, notes)
    paths = changed_files(original, migrated)
    checked = [p for p in paths if gate.checks(p)]
    if len(checked) < len(paths):
        notes.append('pre-commit hook exclude %r / files %r: %d of the %d changed files not handed to flake8'
                     % (gate.exclude, gate.files, len(paths) - len(checked), len(paths)))
    tally = Tally()
    tally.files = len(paths)
    written = {path: written_lines(original, migrated, path) for path in checked}
    for finding in flake8(python, migrated, checked, options):
        tally.after[finding.code] += 1
        lines, statements = written.get(finding.path, ((), ()))
        if finding.line in statements:
            tally.in_statement[finding.code] += 1
            tally.on_written[finding.code] += int(finding.line in lines)
            path = os.path.join(name, finding.path)
            tally.examples.append((finding._replace(path=path), finding.line in lines))
            text = read(os.path.join(migrated, finding.path)).decode('utf-8', 'replace').splitlines()
            tally.sources[(path, finding.line)] = text[finding.line - 1] if finding.line <= len(text) else ''
    # The original versions in the same tree (same config, plugins, relative paths), then back.
    migrated_text = {path: read(os.path.join(migrated, path)) for path in checked}
    for path in checked:
        if os.path.exists(os.path.join(original, path)):
            shutil.copy2(os.path.join(original, path), os.path.join(migrated, path))
        else:
            os.remove(os.path.join(migrated, path))   # created by the tool: no original
    tally.before.update(f.code for f in flake8(python, migrated, checked, options))
    for path, content in migrated_text.items():
        with open(os.path.join(migrated, path), 'wb') as f:
            f.write(content)
    unapplied = ['%s (%s): %s' % (module, ' '.join(codes), error) for (module, error), codes in errors.items()]
    return tally, notes, unapplied


def main_project_config(projects, binary):
    total = Tally()
    unapplied = {}
    for name in projects:
        tally, notes, unapplied[name] = check_project(name, binary)
        print('== %s: project config ==' % name)
        for note in notes:
            print('  ' + note)
        tally.print(name, limit=None)
        total.add(tally)
    if len(projects) > 1:
        total.print('all (project config)', limit=None)
    partial = [name for name in projects if unapplied[name]]
    print('config not fully applied: %s' % ('; '.join('%s: %s' % (name, ', '.join(unapplied[name]))
                                                      for name in partial) or 'none'))


def main():
    parser = argparse.ArgumentParser(
        prog='scripts/flake8-check',
        description='flake8 findings on the files eventlet-migrate changes in the 2024 OpenStack '
                    'corpus, before and after, and those on the lines it wrote.')
    # Checked by hand: Python 3.11's argparse rejects an empty list against choices with nargs='*'.
    parser.add_argument('projects', nargs='*', metavar='PROJECT',
                        help='any of %s (default: all)' % ', '.join(PROJECTS))
    parser.add_argument('--project-config', action='store_true',
                        help="check the way the project's pep8 gate does: its flake8 config, local "
                             'plugins and hacking (see the module docstring)')
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
    if args.project_config:
        return main_project_config(projects, binary)
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
