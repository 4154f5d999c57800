"""Runs a real project's unit tests before and after `eventlet-migrate migrate` (scripts/suite-check).

Per project (data in scripts/suite-projects.toml): fetch the sdist from PyPI into the cache,
build a virtualenv with the project and its test requirements under the release's upper
constraints (cached), run the unit tests on the original tree (cached baseline), migrate a
scratch git copy of the package directory with the built binary, run the same tests on it,
then print every test that passed before and does not pass after, with the last line of its
error, and one summary line.  Exit status 1 on any new failure (or a tool crash, or a baseline
without results), 2 on a usage or setup error.

Hangs: the project's own per-test timeout (OS_TEST_TIMEOUT, read by oslotest) cannot always fire
(an exception raised into a blocked eventlet hub is swallowed), so a worker whose test runs 15 s
longer is ended by faulthandler (stacks in the run log), a run without any test output for
stall_timeout seconds has its workers killed, and the tests those workers had not run are run
again in another pass, until none is left or a pass makes no progress; `timeout` bounds it all.
"""
import argparse
import configparser
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import tomllib
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get('CORPUS_CACHE') or os.path.join(ROOT, '.corpus-cache')
SUITE = os.path.join(CACHE, 'suite')
PYTHON = os.environ.get('PYTHON', 'python3')
PROJECTS_FILE = os.environ.get('SUITE_PROJECTS') or os.path.join(ROOT, 'scripts', 'suite-projects.toml')
CONSTRAINTS_DIR = os.path.join(os.path.dirname(ROOT), 'shared', 'constraints')
CONCURRENCY = 2
PASSED = ('success', 'xfail')
NOT_TESTS = ('process-returncode', 'subunit.parser')

HARNESS = 2   # part of the baseline cache key: bump when the way tests are run changes

# sitecustomize.py on the workers' PYTHONPATH: a test that runs longer than SUITE_HANG_TIMEOUT
# seconds makes faulthandler dump every thread's stack to the run log and end the worker, even
# when the project's own timeout cannot fire (a SIGALRM handler raising into a blocked eventlet
# hub is swallowed). The tests that worker had not run yet are run in another pass.
HANG_HOOK = r'''
import os
_timeout = int(os.environ.get('SUITE_HANG_TIMEOUT') or 0)
if _timeout > 0:
    import faulthandler
    import unittest.case
    _call = unittest.case.TestCase.__call__
    def __call__(self, *args, **kwargs):
        faulthandler.dump_traceback_later(_timeout, exit=True)
        try:
            return _call(self, *args, **kwargs)
        finally:
            faulthandler.cancel_dump_traceback_later()
    unittest.case.TestCase.__call__ = __call__
'''

# Runs inside the project's virtualenv (python-subunit and testtools come with stestr).
SUBUNIT_READER = r'''
import json, sys
import subunit, testtools
tests = {}
def last_line(details):
    # The exception line of a traceback (the first unindented line after the last frame),
    # then its last line when the message spans several.
    for key in ('traceback', 'reason'):
        if key in details:
            try:
                text = details[key].as_text()
            except Exception:
                continue
            lines = [l.rstrip() for l in text.splitlines() if l.strip()]
            if not lines:
                continue
            frames = [i for i, l in enumerate(lines) if l.startswith('  File ')]
            start = frames[-1] + 1 if frames else 0
            first = next((i for i in range(start, len(lines)) if not lines[i][0].isspace()), len(lines) - 1)
            line = lines[first].strip()
            if first < len(lines) - 1:
                line += ' ... ' + lines[-1].strip()
            return line[:400]
    return ''
def on_test(test):
    # 'exists' comes from the test listing: it never replaces a result.
    if test['status'] != 'exists' or test['id'] not in tests:
        tests[test['id']] = {'status': test['status'], 'error': last_line(test['details'])}
with open(sys.argv[1], 'rb') as stream:
    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    try:
        subunit.ByteStreamToStreamResult(stream, non_subunit_name='stdout').run(result)
    finally:
        result.stopTestRun()
json.dump(tests, sys.stdout)
'''


def say(name, message):
    print('suite[%s]: %s' % (name, message), file=sys.stderr, flush=True)


def fail(message):
    print('suite-check: %s' % message, file=sys.stderr)
    sys.exit(2)


def minutes(seconds):
    return '%dm%02ds' % divmod(int(seconds), 60)


def normalize(name):
    return re.sub(r'[-_.]+', '-', name).lower()


def digest(*parts):
    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, sort_keys=True).encode() if not isinstance(part, bytes) else part)
        h.update(b'\0')
    return h.hexdigest()[:12]


def run(cmd, log=None, **kw):
    """Runs cmd, appending its output to log (a path) when given; returns the exit status."""
    if log is None:
        return subprocess.run(cmd, **kw).returncode
    with open(log, 'ab') as out:
        out.write(('$ %s\n' % ' '.join(cmd)).encode())
        out.flush()
        return subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, **kw).returncode


def tail(path, n=25):
    try:
        with open(path, errors='replace') as f:
            return ''.join(f.readlines()[-n:])
    except OSError:
        return ''


# -- 1. sdist ---------------------------------------------------------------------------------

def fetch_sdist(name, version):
    sdists = os.path.join(CACHE, 'sdist')
    os.makedirs(sdists, exist_ok=True)

    def find():
        for f in sorted(os.listdir(sdists)):
            m = re.match(r'(.+)-([^-]+)\.tar\.gz$', f)
            if m and normalize(m.group(1)) == normalize(name) and m.group(2) == version:
                return os.path.join(sdists, f)
        return None

    archive = find()
    if archive is None:
        say(name, 'downloading the %s sdist from PyPI' % version)
        code = run([PYTHON, '-m', 'pip', 'download', '--quiet', '--disable-pip-version-check',
                    '--no-deps', '--no-binary', ':all:', '-d', sdists, '%s==%s' % (name, version)])
        archive = find()
        if code or archive is None:
            fail('could not download the sdist of %s==%s' % (name, version))
    src = os.path.join(SUITE, 'src', '%s-%s' % (normalize(name), version))
    if not os.path.isdir(src):
        tmp = src + '.tmp'
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter='data')
        (top,) = os.listdir(tmp)
        os.rename(os.path.join(tmp, top), src)
        os.rmdir(tmp)
    return archive, src


def make_tree(src, path):
    """A scratch git repository holding a copy of the unpacked sdist."""
    shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(src, path, symlinks=True)
    git = ['git', '-C', path, '-c', 'user.name=suite', '-c', 'user.email=suite@localhost']
    subprocess.run(git + ['init', '-q'], check=True)
    with open(os.path.join(path, '.git', 'info', 'exclude'), 'a') as f:
        f.write('.stestr/\n__pycache__/\n*.pyc\n')
    subprocess.run(git + ['add', '-A'], check=True)
    subprocess.run(git + ['commit', '-qm', 'sdist', '--no-verify'], check=True)


# -- 2. virtualenv ----------------------------------------------------------------------------

def constraints_for(name, data):
    path = os.environ.get('SUITE_CONSTRAINTS') or os.path.join(
        CONSTRAINTS_DIR, data.get('constraints', 'upper-constraints-2024.1.txt'))
    if not os.path.isfile(path):
        fail('constraints file %s is missing (set SUITE_CONSTRAINTS to override)' % path)
    with open(path) as f:
        lines = f.readlines()
    # The project's own pin (if any) would conflict with the version under test.
    own = normalize(name)
    kept = [l for l in lines if normalize(re.split(r'[=<>!~;\s\[]', l.strip(), maxsplit=1)[0]) != own]
    text = ''.join(kept)
    copy = os.path.join(SUITE, 'constraints', '%s-%s.txt' % (own, digest(text)))
    os.makedirs(os.path.dirname(copy), exist_ok=True)
    with open(copy, 'w') as f:
        f.write(text)
    return copy, text


def ensure_apt(name, packages):
    missing = []
    for p in packages:
        q = subprocess.run(['dpkg-query', '-W', '-f=${Status}', p], capture_output=True, text=True)
        if 'install ok installed' not in q.stdout:
            missing.append(p)
    if not missing:
        return
    say(name, 'installing system packages: %s' % ' '.join(missing))
    sudo = [] if os.geteuid() == 0 else ['sudo']
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    if (run(sudo + ['apt-get', 'update', '-qq'], env=env)
            or run(sudo + ['apt-get', 'install', '-y', '-qq', '--no-install-recommends'] + missing, env=env)):
        fail('could not install the system packages %s' % ' '.join(missing))


def python_version():
    return subprocess.run([PYTHON, '-c', 'import sys; print(sys.version)'],
                          capture_output=True, text=True, check=True).stdout.strip()


def ensure_venv(name, version, data, archive, src):
    constraints, text = constraints_for(name, data)
    runner_pkgs = ['stestr'] if data['runner'] == 'stestr' else ['pytest', 'pytest-xdist', 'pytest-timeout']
    key = digest(name, version, text, data.get('pip', []), runner_pkgs, python_version())
    venv = os.path.join(SUITE, 'venv', '%s-%s-%s' % (normalize(name), version, key))
    stamp = os.path.join(venv, '.suite-ready')
    if os.path.exists(stamp):
        say(name, 'virtualenv cached: %s' % venv)
        return venv, key
    ensure_apt(name, data.get('apt', []))
    say(name, 'creating the virtualenv %s' % venv)
    start = time.time()
    shutil.rmtree(venv, ignore_errors=True)
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    log = venv + '.log'
    if os.path.exists(log):
        os.remove(log)
    py = os.path.join(venv, 'bin', 'python')
    pip = [py, '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input']
    reqs = []
    for r in ('requirements.txt', 'test-requirements.txt'):
        if os.path.exists(os.path.join(src, r)):
            reqs += ['-r', os.path.join(src, r)]
    env = dict(os.environ, PBR_VERSION=version)
    env.pop('PYTHONPATH', None)
    if (run([PYTHON, '-m', 'venv', venv], log)
            or run(pip + ['-c', constraints] + reqs + data.get('pip', []) + runner_pkgs + [archive],
                   log, env=env)):
        fail('installing %s==%s failed; see %s:\n%s' % (name, version, log, tail(log)))
    open(stamp, 'w').close()
    say(name, 'virtualenv ready in %s (log %s)' % (minutes(time.time() - start), log))
    return venv, key


# -- 3./4. test runs --------------------------------------------------------------------------

def tox_setenv(tree):
    """[testenv] setenv of the project's tox.ini, with {env:X:default} substituted."""
    path = os.path.join(tree, 'tox.ini')
    if not os.path.exists(path):
        return {}
    cp = configparser.ConfigParser(interpolation=None, strict=False)
    cp.read(path)
    raw = cp.get('testenv', 'setenv', fallback='')
    env = {}
    for line in raw.splitlines():
        m = re.match(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$', line)
        if not m or m.group(1) == 'VIRTUAL_ENV':
            continue
        value = re.sub(r'\{env:([^:}]+)(?::([^}]*))?\}',
                       lambda e: os.environ.get(e.group(1), e.group(2) or ''), m.group(2))
        if '{' not in value:
            env[m.group(1)] = value
    return env


def available_locales():
    try:
        out = subprocess.run(['locale', '-a'], capture_output=True, text=True).stdout
    except OSError:
        return None
    return {normalize(l.replace('utf8', 'UTF-8')) for l in out.split()}


def test_env(name, tree, data):
    env = tox_setenv(tree)
    env.update({k: str(v) for k, v in data.get('env', {}).items()})
    env.setdefault('OS_TEST_TIMEOUT', str(data.get('test_timeout', 60)))
    locales = available_locales()
    for k in ('LC_ALL', 'LANG', 'LANGUAGE', 'LC_CTYPE'):
        if k in env and locales is not None and '.' in env[k] and normalize(env[k]) not in locales:
            say(name, '%s=%s is not installed here; using C.UTF-8' % (k, env[k]))
            env[k] = 'C.UTF-8'
    return env


def last_error_line(log):
    """The last 'SomeError: ...' line of a log, else its last non-empty line."""
    lines = [l.strip() for l in tail(log, 400).splitlines() if l.strip()]
    for line in reversed(lines):
        if re.match(r'^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b', line):
            return line
    return lines[-1] if lines else ''


def descendants(pid):
    children = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry) as f:
                    ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], list(children.get(pid, []))
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def supervise(name, cmd, tree, env, results, log, deadline, stall):
    """Runs cmd (stdout to results) under `timeout` until deadline. When results stops growing
    for stall seconds, the processes below the runner (the test workers) are killed: the runner
    then ends and the tests they had not run are left for another pass.
    Returns (exit status, whether workers were killed, whether the deadline was hit)."""
    remaining = int(deadline - time.time())
    if remaining <= 0:
        return 124, False, True
    with open(results, 'wb') as out, open(log, 'ab') as err:
        err.write(('$ %s\n' % ' '.join(cmd)).encode())
        err.flush()
        proc = subprocess.Popen(['timeout', '--kill-after=60', str(remaining)] + cmd,
                                cwd=tree, env=env, stdout=out, stderr=err)
        try:
            killed = watch(name, proc, results, err, stall)
        finally:
            if proc.poll() is None:   # interrupted: `timeout` leads its own process group
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return proc.returncode, killed, proc.returncode in (124, 137)


def watch(name, proc, results, err, stall):
    """Waits for proc; kills the workers below the runner after stall seconds without output."""
    killed = False
    size, changed = 0, time.time()
    while proc.poll() is None:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        now = time.time()
        if os.path.getsize(results) != size:
            size, changed = os.path.getsize(results), now
        elif now - changed > stall:
            runner = descendants(proc.pid)[:1]   # timeout -> runner -> workers
            stuck = descendants(runner[0]) if runner else []
            if stuck:
                say(name, 'no test output for %ds: killing the workers %s' % (stall, stuck))
                err.write(('# no test output for %ds: killed %s\n' % (stall, stuck)).encode())
                err.flush()
                for pid in stuck:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                killed = True
            changed = now
    return killed


def read_subunit(py, env, path):
    parsed = subprocess.run([py, '-c', SUBUNIT_READER, path], capture_output=True, text=True, env=env)
    if parsed.returncode:
        fail('reading %s failed:\n%s' % (path, parsed.stderr[-3000:]))
    return {t: r for t, r in json.loads(parsed.stdout).items() if not t.startswith(NOT_TESTS)}


def run_tests(name, data, venv, tree, out, label, extra):
    """Runs the unit tests in tree; returns {'tests': {id: {status, error}}, ...}."""
    os.makedirs(out, exist_ok=True)
    env = dict(os.environ, VIRTUAL_ENV=venv, PATH=os.path.join(venv, 'bin') + os.pathsep + os.environ['PATH'])
    env.pop('PYTHONPATH', None)
    env.update(extra)
    run_timeout = int(os.environ.get('SUITE_RUN_TIMEOUT', data.get('run_timeout', 3600)))
    stall = int(os.environ.get('SUITE_STALL_TIMEOUT', data.get('stall_timeout', 300)))
    test_timeout = int(extra['OS_TEST_TIMEOUT'])
    hang = test_timeout + 15
    py = os.path.join(venv, 'bin', 'python')
    log = os.path.join(out, 'run.log')
    with open(log, 'w') as f:
        f.write('# env %s\n' % json.dumps(extra, sort_keys=True))
    say(name, '%s: running the unit tests (%s, concurrency %d, %ss per test, %ss per run); log %s'
        % (label, data['runner'], CONCURRENCY, test_timeout, run_timeout, log))
    with open(log, 'a') as f:
        f.write('# per-test timeout %ds (project), %ds (worker killed); %ds without output: workers killed\n'
                % (test_timeout, hang, stall))
    start = time.time()
    deadline = start + run_timeout
    tests, timed_out, code = {}, False, 0
    if data['runner'] == 'stestr':
        hook = os.path.join(out, 'hook')
        os.makedirs(hook, exist_ok=True)
        with open(os.path.join(hook, 'sitecustomize.py'), 'w') as f:
            f.write(HANG_HOOK)
        env.update(PYTHONPATH=hook, SUITE_HANG_TIMEOUT=str(hang))
        shutil.rmtree(os.path.join(tree, '.stestr'), ignore_errors=True)
        base = [os.path.join(venv, 'bin', 'stestr')]
        if data.get('test_path'):
            base += ['--test-path', data['test_path'], '--top-dir', './']
        base += ['run', '--concurrency', str(CONCURRENCY), '--subunit'] + data.get('runner_args', [])
        pending = None
        for n in itertools.count(1):
            cmd = list(base)
            if pending:
                listing = os.path.join(out, 'pending-%d.txt' % n)
                with open(listing, 'w') as f:
                    f.write(''.join(t + '\n' for t in pending))
                cmd += ['--load-list', listing]
            results = os.path.join(out, 'run-%d.subunit' % n)
            code, killed, timed_out = supervise(name, cmd, tree, env, results, log, deadline, stall)
            for tid, r in read_subunit(py, env, results).items():
                if r['status'] == 'exists':
                    tests.setdefault(tid, r)
                    continue
                if r['status'] == 'inprogress':
                    r = {'status': 'hang' if killed else 'crash', 'error':
                         'no result: worker killed after %ds without test output' % stall if killed
                         else 'no result: the worker died (no result after %ds: stacks in run.log; or a crash)' % hang}
                tests[tid] = r
            # A listed test with scenarios reports its results as `id(scenario)`.
            expanded = {t.split('(', 1)[0] for t, r in tests.items() if '(' in t and r['status'] != 'exists'}
            for tid in [t for t, r in tests.items() if r['status'] == 'exists' and t in expanded]:
                del tests[tid]
            previous = len(pending) if pending is not None else len(tests) + 1
            pending = sorted(t for t, r in tests.items() if r['status'] == 'exists')
            if not pending or timed_out or len(pending) >= previous:
                break
            say(name, '%s: %d tests were not run (a worker died or was killed); running them again'
                % (label, len(pending)))
    elif data['runner'] == 'pytest':
        results = os.path.join(out, 'junit.xml')
        cmd = [py, '-m', 'pytest', '-p', 'no:cacheprovider', '-q', '-n', str(CONCURRENCY),
               '--timeout', str(test_timeout), '--timeout-method', 'thread', '--junitxml', results] + data.get('runner_args', []) + [data['test_path']]
        with open(log, 'ab') as err:
            code = subprocess.run(['timeout', '--kill-after=60', str(run_timeout)] + cmd,
                                  cwd=tree, env=env, stdout=err, stderr=err).returncode
        timed_out = code in (124, 137)
        if os.path.exists(results):
            for case in ET.parse(results).iter('testcase'):
                tid = '%s.%s' % (case.get('classname', ''), case.get('name', ''))
                status, error = 'success', ''
                for child in case:
                    if child.tag in ('failure', 'error', 'skipped'):
                        status = 'skip' if child.tag == 'skipped' else 'fail'
                        text = (child.text or child.get('message') or '').strip()
                        error = text.splitlines()[-1].strip() if text else ''
                tests[tid] = {'status': status, 'error': error}
    else:
        fail('unknown runner %r for %s' % (data['runner'], name))
    seconds = time.time() - start
    passed = sum(1 for r in tests.values() if r['status'] in PASSED)
    say(name, '%s: %d/%d passed in %s (runner exit %d%s)' % (
        label, passed, len(tests), minutes(seconds), code, ', whole run timed out' if timed_out else ''))
    return {'tests': tests, 'exit': code, 'timed_out': timed_out, 'seconds': seconds,
            'run_error': 'whole run killed after %ds' % run_timeout if timed_out else last_error_line(log)}


def baseline(name, version, data, venv, venv_key, src, work, extra):
    config = {k: data.get(k) for k in ('runner', 'test_path', 'runner_args', 'test_timeout',
                                       'run_timeout', 'stall_timeout')}
    key = digest(venv_key, config, extra, HARNESS)
    path = os.path.join(SUITE, 'baseline', '%s-%s-%s.json' % (normalize(name), version, key))
    if os.path.exists(path):
        with open(path) as f:
            result = json.load(f)
        say(name, 'baseline cached: %s' % path)
        return result
    tree = os.path.join(work, 'original')
    make_tree(src, tree)
    out = os.path.join(work, 'original-results')
    result = run_tests(name, data, venv, tree, out, 'baseline', extra)
    if result['tests'] and not result['timed_out']:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + '.tmp', 'w') as f:
            json.dump(result, f)
        os.replace(path + '.tmp', path)
        shutil.copy(os.path.join(out, 'run.log'), path[:-len('.json')] + '.log')
    return result


# -- main -------------------------------------------------------------------------------------

def check(spec, target, keep, binary, projects):
    name, _, version = spec.partition('==')
    data = next((v for k, v in projects.items() if normalize(k) == normalize(name)), None)
    if data is None:
        fail('%s is not in %s (known: %s)' % (name, PROJECTS_FILE, ', '.join(projects)))
    data = dict(data)
    data.setdefault('runner', 'stestr')
    version = version or data['version']
    if data['runner'] == 'pytest' and not data.get('test_path'):
        fail('%s: runner pytest needs test_path' % name)
    start = time.time()
    constraints_for(name, data)   # fails early when the file is missing
    archive, src = fetch_sdist(name, version)
    if not os.path.isdir(os.path.join(src, data['package'])):
        fail('%s has no package directory %s/' % (src, data['package']))
    venv, venv_key = ensure_venv(name, version, data, archive, src)
    work = os.path.join(SUITE, 'work', '%s-%s' % (normalize(name), version))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    extra = test_env(name, src, data)
    before = baseline(name, version, data, venv, venv_key, src, work, extra)

    tree = os.path.join(work, 'migrated')
    make_tree(src, tree)
    mlog = os.path.join(work, 'migrate.log')
    tool_exit = run([binary, 'migrate', '--target', target, data['package']], mlog, cwd=tree)
    changed = subprocess.run(['git', '-C', tree, 'diff', '--name-only'], capture_output=True, text=True).stdout.split()
    say(name, 'migrate --target %s %s/: exit %d, %d files changed (log %s)'
        % (target, data['package'], tool_exit, len(changed), mlog))
    if tool_exit not in (0, 1, 2):
        print(tail(mlog), file=sys.stderr)
    after = run_tests(name, data, venv, tree, os.path.join(work, 'migrated-results'), 'migrated', extra)

    new = []
    for tid in sorted(before['tests']):
        if before['tests'][tid]['status'] not in PASSED:
            continue
        r = after['tests'].get(tid)
        if r is None:
            new.append((tid, 'not run: %s' % after['run_error']))
        elif r['status'] not in PASSED:
            error = r['error'] or r['status']
            if r['status'] == 'inprogress':
                error = 'did not finish (worker killed: per-test timeout or crash)'
            elif r['status'] == 'exists':
                error = 'not run: %s' % after['run_error']
            elif r['status'] == 'skip':
                error = 'skipped: %s' % r['error']
            new.append((tid, error))
    for tid, error in new:
        print('%s: %s' % (tid, error))
    if new:
        groups = {}
        for _, error in new:
            groups[error] = groups.get(error, 0) + 1
        print('new failures by last line:')
        for error, n in sorted(groups.items(), key=lambda kv: -kv[1])[:15]:
            print('  %5d  %s' % (n, error))

    def score(result):
        tests = result['tests']
        return '%d/%d' % (sum(1 for r in tests.values() if r['status'] in PASSED), len(tests))
    if keep:
        say(name, 'kept %s (git -C %s diff shows the migration)' % (work, tree))
    else:
        shutil.rmtree(work, ignore_errors=True)
    say(name, 'wall time %s' % minutes(time.time() - start))
    print('suite[%s]: before %s passed, after %s passed, new failures %d, tool exit %d'
          % (name, score(before), score(after), len(new), tool_exit), flush=True)
    return 1 if new or tool_exit not in (0, 1, 2) or not before['tests'] else 0


def main():
    parser = argparse.ArgumentParser(
        prog='scripts/suite-check',
        description="Runs a project's unit tests before and after eventlet-migrate; "
                    'per-project data in scripts/suite-projects.toml.')
    parser.add_argument('projects', nargs='+', metavar='PROJECT[==VERSION]')
    parser.add_argument('--target', default='threading', help='migration target (default threading)')
    parser.add_argument('--keep', action='store_true', help='leave the scratch trees for inspection')
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    binary = os.environ.get('EVENTLET_MIGRATE')
    if not binary or not os.path.isfile(binary) or not os.access(binary, os.X_OK):
        fail(f'EVENTLET_MIGRATE must name the eventlet-migrate binary (an executable file; got {binary!r}); scripts/suite-check builds it')
    binary = os.path.abspath(binary)
    with open(PROJECTS_FILE, 'rb') as f:
        projects = tomllib.load(f)
    status = 0
    for spec in args.projects:
        status |= check(spec, args.target, args.keep, binary, projects)
    sys.exit(status)


if __name__ == '__main__':
    main()
