"""A loopback HTTP server that speaks the hub's file-download protocol, for tests.

It serves `HEAD`/`GET /{repo_id}/resolve/{revision}/{filename}` with the headers the real
`huggingface_hub` client needs (`X-Repo-Commit`, `ETag`, `Content-Length`), 404s with
`X-Error-Code` (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`), and
`GET /api/models/{repo_id}[/revision/{rev}]` listing files. It records every request and can
inject faults (HTTP 500s, dropped connections, slow responses) per path. It binds a free port
on 127.0.0.1 and stops by itself when the test ends or after `max_lifetime` seconds.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from urllib.parse import unquote, urlsplit


@dataclass
class Fault:
    """Make requests whose path matches `pattern` fail: 'error' (HTTP status), 'drop', 'slow', or 'stall'
    (send the headers and half the body, then hang for `delay` seconds and drop the connection).
    `reached` is set once a matching request got as far as the fault goes (for 'stall': half the body sent)."""

    pattern: str
    kind: str = 'error'
    status: int = 500
    delay: float = 0.0
    times: Optional[int] = None
    methods: Tuple[str, ...] = ('HEAD', 'GET')
    hits: int = 0
    reached: threading.Event = field(default_factory=threading.Event)


@dataclass
class Repo:
    commits: Dict[str, Dict[str, bytes]] = field(default_factory=dict)
    refs: Dict[str, str] = field(default_factory=dict)


class HubServer:
    """The fake hub; use as a context manager or call start()/stop()."""

    def __init__(self, max_lifetime: float = 900.0) -> None:
        self.repos: Dict[str, Repo] = {}
        self.requests: List[Tuple[str, str]] = []
        self.faults: List[Fault] = []
        self.max_lifetime = max_lifetime
        self._lock = threading.Lock()
        self._httpd: Optional[ThreadingHTTPServer] = None
        self._timer: Optional[threading.Timer] = None

    # --- content -----------------------------------------------------------------------------
    def add_repo(self, repo_id: str, files: Dict[str, bytes], branch: str = 'main') -> str:
        """Commit files (name -> bytes) to a branch of a repo; returns the 40-hex commit hash."""
        digest = hashlib.sha1(repo_id.encode() + branch.encode())
        for name in sorted(files):
            digest.update(name.encode() + b'\0' + hashlib.sha256(files[name]).digest())
        commit = digest.hexdigest()
        with self._lock:
            repo = self.repos.setdefault(repo_id, Repo())
            repo.commits[commit] = dict(files)
            repo.refs[branch] = commit
        return commit

    def add_folder(self, repo_id: str, folder: Path, branch: str = 'main') -> str:
        """Commit every file of a folder (not hidden ones) to a repo."""
        files = {p.relative_to(folder).as_posix(): p.read_bytes()
                 for p in sorted(Path(folder).rglob('*')) if p.is_file() and not p.name.startswith('.')}
        return self.add_repo(repo_id, files, branch)

    def add_fault(self, pattern: str, kind: str = 'error', **kwargs) -> Fault:
        """Inject a fault for request paths matching a glob pattern (e.g. '*/model.safetensors')."""
        fault = Fault(pattern, kind, **kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault

    def count(self, pattern: str = '*', method: Optional[str] = None) -> int:
        """How many requests matched a glob pattern (and method)."""
        with self._lock:
            return sum(1 for m, p in self.requests if fnmatch.fnmatch(p, pattern) and (method is None or m == method))

    # --- lifecycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._httpd is not None, 'server not started'
        host, port = self._httpd.server_address[:2]
        return f'http://{host}:{port}'

    def start(self) -> 'HubServer':
        handler = type('Handler', (_Handler,), {'hub': self})
        self._httpd = ThreadingHTTPServer(('127.0.0.1', 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True).start()
        self._timer = threading.Timer(self.max_lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> 'HubServer':
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- lookup ------------------------------------------------------------------------------
    def _lookup(self, repo_id: str, revision: str) -> Tuple[Optional[Repo], Optional[str]]:
        with self._lock:
            repo = self.repos.get(repo_id)
            if repo is None:
                return None, None
            if revision in repo.commits:
                return repo, revision
            return repo, repo.refs.get(revision)

    def _fault_for(self, method: str, path: str) -> Optional[Fault]:
        with self._lock:
            for fault in self.faults:
                if method in fault.methods and fnmatch.fnmatch(path, fault.pattern):
                    if fault.times is not None and fault.hits >= fault.times:
                        continue
                    fault.hits += 1
                    return fault
        return None


class _Handler(BaseHTTPRequestHandler):
    hub: HubServer
    protocol_version = 'HTTP/1.1'

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _send_error(self, status: int, code: str, message: str) -> None:
        body = json.dumps({'error': message}).encode()
        self.send_response(status)
        self.send_header('X-Error-Code', code)
        self.send_header('X-Error-Message', message)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def _serve(self, head: bool) -> None:
        path = urlsplit(self.path).path
        with self.hub._lock:
            self.hub.requests.append((self.command, path))
        fault = self.hub._fault_for(self.command, path)
        if fault is not None:
            if fault.kind == 'drop':
                fault.reached.set()
                self.close_connection = True
                self.connection.close()
                return
            if fault.kind == 'slow':
                time.sleep(fault.delay)
                fault.reached.set()
            elif fault.kind == 'error':
                fault.reached.set()
                self._send_error(fault.status, 'InjectedFault', f'injected HTTP {fault.status}')
                return
        if path.startswith('/api/models/'):
            self._serve_api(path[len('/api/models/'):])
            return
        if '/resolve/' not in path:
            self._send_error(404, 'RepoNotFound', 'Not found')
            return
        repo_id, _, rest = path.lstrip('/').partition('/resolve/')
        revision, _, filename = rest.partition('/')
        found = self._resolve_or_error(repo_id, unquote(revision))
        if found is None:
            return
        files, commit = found
        filename = unquote(filename)
        if filename not in files:
            self.send_response(404)
            self.send_header('X-Error-Code', 'EntryNotFound')
            self.send_header('X-Error-Message', 'Entry not found')
            self.send_header('X-Repo-Commit', commit)
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        data = files[filename]
        start = 0
        range_header = self.headers.get('Range')
        if range_header and range_header.startswith('bytes='):
            start = int(range_header[6:].split('-')[0] or 0)
        self.send_response(206 if start else 200)
        self.send_header('X-Repo-Commit', commit)
        self.send_header('ETag', '"' + hashlib.sha256(data).hexdigest() + '"')
        self.send_header('Content-Length', str(len(data) - start))
        self.send_header('Content-Type', 'application/octet-stream')
        self.end_headers()
        if not head:
            try:
                if fault is not None and fault.kind == 'stall':
                    self.wfile.write(data[start:start + (len(data) - start) // 2])
                    self.wfile.flush()
                    fault.reached.set()
                    time.sleep(fault.delay)
                    self.close_connection = True
                    self.connection.close()
                    return
                self.wfile.write(data[start:])
            except (BrokenPipeError, ConnectionResetError, OSError):
                pass

    def _resolve_or_error(self, repo_id: str, revision: str) -> Optional[Tuple[Dict[str, bytes], str]]:
        """(files, commit) of a repo at a revision, or None after answering RepoNotFound / RevisionNotFound."""
        repo, commit = self.hub._lookup(repo_id, revision)
        if repo is None:
            self._send_error(401, 'RepoNotFound', f'Repository {repo_id} not found')
            return None
        if commit is None:
            self._send_error(404, 'RevisionNotFound', f'Invalid rev id: {revision}')
            return None
        return repo.commits[commit], commit

    def _serve_api(self, rest: str) -> None:
        repo_id, _, revision = rest.partition('/revision/')
        repo_id = repo_id.rstrip('/')
        found = self._resolve_or_error(repo_id, unquote(revision) or 'main')
        if found is None:
            return
        files, commit = found
        body = json.dumps({
            'id': repo_id, 'modelId': repo_id, 'sha': commit,
            'siblings': [{'rfilename': name, 'size': len(data)} for name, data in sorted(files.items())],
        }).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)
