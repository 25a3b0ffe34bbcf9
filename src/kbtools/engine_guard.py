"""The example policy at run time: a small Docker API proxy between the examples and the engine.

The lint (kbtools/example_policy.py) refuses a hostile example before anything runs; this guard
enforces the same rules on what actually reaches the engine, whatever program sends it (the
docker CLI, Compose, BuildKit, a client inside a container). The example runner starts one guard
per run on a Unix socket of its own and points ``DOCKER_HOST`` of every example line at it; the
real socket is never given to the examples.

Per request (HTTP/1.1 over the Unix socket; one request per connection, then the two sides are
piped, which also carries attach/exec/BuildKit sessions):

* refused: engine-wide endpoints (swarm, services, nodes, secrets, configs, plugins, prune
  without the run's label filter), registry traffic except ``localhost:5000`` (pull, push, login,
  build from a remote context), containers created with privileges, capabilities, unconfined
  security options, host namespaces or network, devices, bind mounts outside the example's
  folder or of the Docker socket, ports published beyond 127.0.0.1;
* acting on objects the run did not create: containers without the run label (kill, stop, exec,
  cp, logs, rm, ...), images, volumes and networks that existed when the run started;
* every container is labelled with the run and bounded: pids, memory and CPU get the defaults
  below when the page sets none (a page listed with ``unbounded`` in the allow-list keeps the
  engine's defaults for its memory and CPU, to show them).

A refusal is answered with HTTP 403 and a message the docker CLI prints:
``kb-guard: refused: ...``.
"""
from __future__ import annotations

import json
import os
import re
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .example_policy import SAFE_SECURITY_OPTS

RUN_LABEL = "org.docker-basics-kb.run"
LOCAL_REGISTRY = "localhost:5000"
DEFAULT_PIDS = 512
DEFAULT_MEMORY = 1024 ** 3            # 1 GiB
DEFAULT_NANO_CPUS = 1_000_000_000     # one CPU
MAX_BODY = 4 * 1024 * 1024            # JSON bodies the guard reads (container create, exec)

VERSION_RE = re.compile(r"^/v[0-9.]+(/.*)$")
ENGINE_WIDE_RE = re.compile(r"^/(swarm|services|nodes|secrets|configs|plugins|tasks|distribution)"
                            r"(/|$)")
CONTAINER_ACTION_RE = re.compile(r"^/containers/(?P<id>[^/]+)/(?P<action>kill|stop|start|restart|"
                                 r"pause|unpause|exec|archive|attach|update|rename|export|logs|"
                                 r"top|changes|wait|resize|checkpoints|stats)$")
CONTAINER_DELETE_RE = re.compile(r"^/containers/(?P<id>[^/]+)$")
IMAGE_DELETE_RE = re.compile(r"^/images/(?P<name>.+)$")
IMAGE_PUSH_RE = re.compile(r"^/images/(?P<name>.+)/push$")
VOLUME_DELETE_RE = re.compile(r"^/volumes/(?P<name>[^/]+)$")
NETWORK_RE = re.compile(r"^/networks/(?P<id>[^/]+)(?:/(?P<action>connect|disconnect))?$")
HOST_NAMESPACE_KEYS = ("PidMode", "IpcMode", "UTSMode", "UsernsMode", "CgroupnsMode")


class Refused(Exception):
    pass


@dataclass
class GuardState:
    """What the guard knows about the run; the runner updates ``page`` and ``workdir``."""
    run_id: str
    page: str = ""                                   # page key now running
    workdir: str = ""                                # the page's temporary folder
    allowed: frozenset[str] = frozenset()            # allow-list keys of the page
    images_before: set[str] = field(default_factory=set)    # ids and tags at start
    volumes_before: set[str] = field(default_factory=set)
    networks_before: set[str] = field(default_factory=set)  # ids and names
    refusals: list[str] = field(default_factory=list)


def _http(sock_path: str, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    """A minimal HTTP/1.0 client for the engine's socket (status, body)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(20)
        sock.connect(sock_path)
        head = f"{method} {path} HTTP/1.0\r\nHost: docker\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        sock.sendall(head.encode() + b"\r\n" + (body or b""))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head_bytes, _, payload = data.partition(b"\r\n\r\n")
    status = int(head_bytes.split(b" ", 2)[1]) if head_bytes else 502
    return status, payload


class EngineGuard:
    """Serve the guard on ``socket_path`` in a background thread (use as a context manager)."""

    def __init__(self, upstream: str, socket_path: Path, run_id: str):
        self.upstream = upstream
        self.socket_path = str(socket_path)
        self.state = GuardState(run_id)
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> "EngineGuard":
        self.snapshot()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.socket_path)
        os.chmod(self.socket_path, 0o600)
        self._server.listen(64)
        self._thread = threading.Thread(target=self._serve, daemon=True, name="kb-engine-guard")
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._server is not None:
            try:
                self._server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._server.close()
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)

    @property
    def docker_host(self) -> str:
        return f"unix://{self.socket_path}"

    def snapshot(self) -> None:
        """Images, volumes and networks present before the run: never removed by examples."""
        def get(path: str):
            status, body = _http(self.upstream, "GET", path)
            return json.loads(body) if status == 200 else []

        for image in get("/images/json?all=1") or []:
            self.state.images_before.add(image.get("Id", "").removeprefix("sha256:"))
            self.state.images_before.update(image.get("RepoTags") or [])
        volumes = get("/volumes") or {}
        self.state.volumes_before = {v["Name"] for v in volumes.get("Volumes") or []}
        for network in get("/networks") or []:
            self.state.networks_before.update({network.get("Id", ""), network.get("Name", "")})

    def _serve(self) -> None:
        assert self._server is not None
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    # -- one connection -------------------------------------------------------------------

    def _handle(self, client: socket.socket) -> None:
        upstream = None
        try:
            head, rest = _read_head(client)
            if head is None:
                return
            request_line, headers = head
            method, target, _version = request_line.split(" ", 2)
            body = b""
            length = int(_header(headers, "content-length") or 0)
            if length and length <= MAX_BODY:
                body = rest
                while len(body) < length:
                    chunk = client.recv(min(65536, length - len(body)))
                    if not chunk:
                        break
                    body += chunk
                rest = b""
            try:
                new_body = self.check(method, target, body if length else None)
            except Refused as refusal:
                self.state.refusals.append(f"{method} {target}: {refusal}")
                _answer(client, 403, f"kb-guard: refused: {refusal}")
                return
            if new_body is not None:
                body = new_body
                headers = _set_header(headers, "Content-Length", str(len(body)))
            upgrade = "upgrade" in _header(headers, "connection").lower()
            if not upgrade:
                headers = _set_header(headers, "Connection", "close")
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self.upstream)
            lines = [request_line] + [f"{k}: {v}" for k, v in headers]
            upstream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body + rest)
            _pipe(client, upstream)
        except (OSError, ValueError) as error:
            try:
                _answer(client, 502, f"kb-guard: {error}")
            except OSError:
                pass
        finally:
            client.close()
            if upstream is not None:
                upstream.close()

    # -- the policy -----------------------------------------------------------------------

    def check(self, method: str, target: str, body: bytes | None) -> bytes | None:
        """Raise Refused, or return a changed body (None: forward unchanged)."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        match = VERSION_RE.match(path)
        path = match.group(1) if match else path
        query = parse_qs(parts.query)
        inspected = re.match(r"^/containers/([^/]+)/json$", path)
        if method == "GET" and inspected and inspected.group(1) != "json":
            self._own_container(inspected.group(1))      # another's environment may hold secrets
            return None
        if method in ("GET", "HEAD") and not CONTAINER_ACTION_RE.match(path):
            return None                                  # reading the engine's state
        needs_body = path in ("/containers/create", "/auth", "/networks/create",
                              "/volumes/create") or path.endswith(("/exec", "/connect",
                                                                   "/disconnect"))
        if needs_body and body is None:
            raise Refused("the request body cannot be checked (send it with a Content-Length "
                          f"under {MAX_BODY // 1024 // 1024} MB)")
        if ENGINE_WIDE_RE.match(path):
            raise Refused(f"{path} changes the engine as a whole")
        if path.endswith("/prune"):
            filters = "".join(query.get("filters", []))
            if f"{RUN_LABEL}={self.state.run_id}" not in filters:
                raise Refused("prune without the run's label filter would remove objects this "
                              "run did not create")
            return None
        if path == "/auth":
            server = json.loads(body or b"{}").get("serveraddress", "")
            if not server.startswith((LOCAL_REGISTRY, f"http://{LOCAL_REGISTRY}")):
                raise Refused(f"login to {server or 'Docker Hub'}: only {LOCAL_REGISTRY}")
            return None
        if path == "/images/create":
            image = (query.get("fromImage") or [""])[0]
            if query.get("fromSrc", ["-"])[0] != "-":
                raise Refused("import from a URL downloads from the network")
            # "scratch" is reserved: the engine answers that itself, without a registry
            if image and image != "scratch" and not image.startswith(LOCAL_REGISTRY + "/"):
                raise Refused(f"pull of {image}: only the local test registry {LOCAL_REGISTRY}")
            return None
        if IMAGE_PUSH_RE.match(path):
            name = IMAGE_PUSH_RE.match(path)["name"]
            if not name.startswith(LOCAL_REGISTRY + "/"):
                raise Refused(f"push of {name}: only the local test registry {LOCAL_REGISTRY}")
            return None
        if path == "/build":
            if query.get("remote"):
                raise Refused("a build from a remote context downloads from the network")
            if query.get("networkmode", [""])[0] == "host" and \
                    "host-network" not in self.state.allowed:
                raise Refused("a build on the host's network")
            if query.get("pull", ["0"])[0] not in ("", "0", "false"):
                raise Refused("build --pull fetches base images from a registry")
            return None
        if path == "/containers/create":
            return self._container_create(body)
        if path in ("/networks/create", "/volumes/create"):
            return _add_label(body, self.state.run_id)
        match = CONTAINER_ACTION_RE.match(path)
        if match:
            if match["action"] == "exec" and json.loads(body or b"{}").get("Privileged"):
                raise Refused("exec --privileged")
            if method != "GET" or match["action"] in ("logs", "export", "archive", "top",
                                                       "changes", "attach"):
                self._own_container(match["id"])
            return None
        match = CONTAINER_DELETE_RE.match(path)
        if match and method == "DELETE":
            self._own_container(match["id"])
            return None
        if method == "DELETE" and IMAGE_DELETE_RE.match(path):
            name = IMAGE_DELETE_RE.match(path)["name"]
            if name in self.state.images_before or _canonical(name) in self.state.images_before \
                    or any(i.startswith(name.removeprefix("sha256:")) and len(name) >= 12
                           for i in self.state.images_before if ":" not in i):
                raise Refused(f"the image {name} existed before this run")
            return None
        match = VOLUME_DELETE_RE.match(path)
        if match and method == "DELETE":
            if match["name"] in self.state.volumes_before:
                raise Refused(f"the volume {match['name']} existed before this run")
            return None
        match = NETWORK_RE.match(path)
        if match:
            if method == "DELETE" and match["id"] in self.state.networks_before:
                raise Refused(f"the network {match['id']} existed before this run")
            if match["action"]:
                container = json.loads(body or b"{}").get("Container", "")
                self._own_container(container)
            return None
        return None

    def _own_container(self, ident: str) -> None:
        status, payload = _http(self.upstream, "GET", f"/containers/{ident}/json")
        if status != 200:
            return                                      # the engine answers "No such container"
        labels = (json.loads(payload).get("Config") or {}).get("Labels") or {}
        if labels.get(RUN_LABEL) != self.state.run_id:
            raise Refused(f"the container {ident} was not created by this example run")

    def _container_create(self, body: bytes | None) -> bytes:
        config = json.loads(body or b"{}")
        host = config.setdefault("HostConfig", {}) or {}
        config["HostConfig"] = host
        allowed = self.state.allowed

        def refuse_unless(key: str, condition: bool, what: str) -> None:
            if condition and key not in allowed:
                raise Refused(what)

        refuse_unless("privileged", bool(host.get("Privileged")), "--privileged")
        refuse_unless("cap-add", bool(host.get("CapAdd")), f"--cap-add {host.get('CapAdd')}")
        unsafe_opts = [o for o in host.get("SecurityOpt") or []
                       if not SAFE_SECURITY_OPTS.match(o)]
        refuse_unless("security-opt", bool(unsafe_opts), f"--security-opt {unsafe_opts}")
        refuse_unless("security-opt", bool(host.get("CgroupParent") or host.get("Runtime")),
                      "--cgroup-parent/--runtime")
        for key in HOST_NAMESPACE_KEYS:
            refuse_unless("host-namespace", host.get(key) == "host", f"{key} host")
        refuse_unless("host-network", host.get("NetworkMode") == "host", "--network host")
        refuse_unless("device", bool(host.get("Devices") or host.get("DeviceRequests")
                                     or host.get("DeviceCgroupRules")), "--device")
        sources = [b.split(":", 1)[0] for b in host.get("Binds") or []]
        sources += [m.get("Source", "") for m in host.get("Mounts") or []
                    if m.get("Type") == "bind"]
        for source in sources:
            if "docker.sock" in source:
                refuse_unless("docker-socket", True, "the Docker socket")
            if source.startswith("/") and not self._inside_workdir(source):
                refuse_unless("host-path", True, f"a bind mount of the host path {source}")
        for bindings in (host.get("PortBindings") or {}).values():
            for binding in bindings or []:
                refuse_unless("publish-all-interfaces",
                              binding.get("HostIp") not in ("127.0.0.1", "::1"),
                              "a port published on every interface")
        refuse_unless("publish-all-interfaces", bool(host.get("PublishAllPorts")), "-P")
        # another container's volumes or namespaces: only a container of this run
        joined = [v.split(":")[0] for v in host.get("VolumesFrom") or []]
        joined += [str(host.get(key))[len("container:"):] for key in
                   ("NetworkMode", *HOST_NAMESPACE_KEYS)
                   if str(host.get(key) or "").startswith("container:")]
        for other in joined:
            self._own_container(other)
        # bounds
        if not host.get("PidsLimit") or host["PidsLimit"] < 0:
            host["PidsLimit"] = DEFAULT_PIDS
        if "unbounded" not in allowed:
            if not host.get("Memory"):
                host["Memory"] = DEFAULT_MEMORY
            if not (host.get("NanoCpus") or host.get("CpuQuota") or host.get("CpuPeriod")):
                host["NanoCpus"] = DEFAULT_NANO_CPUS
        config.setdefault("Labels", {})
        config["Labels"] = dict(config["Labels"] or {}, **{RUN_LABEL: self.state.run_id})
        return json.dumps(config).encode()

    def _inside_workdir(self, source: str) -> bool:
        if not self.state.workdir:
            return False
        try:
            return Path(source).resolve().is_relative_to(Path(self.state.workdir).resolve())
        except (OSError, ValueError):
            return False


def _canonical(name: str) -> str:
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last or "@" in name else name + ":latest"


def _add_label(body: bytes | None, run_id: str) -> bytes:
    data = json.loads(body or b"{}")
    data["Labels"] = dict(data.get("Labels") or {}, **{RUN_LABEL: run_id})
    return json.dumps(data).encode()


def _header(headers: list[tuple[str, str]], name: str) -> str:
    return next((v for k, v in headers if k.lower() == name), "")


def _set_header(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() != name.lower()] + [(name, value)]


def _read_head(sock: socket.socket) -> tuple[tuple[str, list[tuple[str, str]]] | None, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
        if len(data) > 65536:
            raise ValueError("request head too large")
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers: list[tuple[str, str]] = []   # repeated headers kept (BuildKit sessions use them)
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers.append((key.strip(), value.strip()))
    return (lines[0], headers), rest


def _answer(sock: socket.socket, status: int, message: str) -> None:
    body = json.dumps({"message": message}).encode()
    reason = {403: "Forbidden", 502: "Bad Gateway"}.get(status, "Error")
    sock.sendall(f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy both directions until both sides are done."""
    def copy(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    other = threading.Thread(target=copy, args=(b, a), daemon=True)
    other.start()
    copy(a, b)
    other.join()


def upstream_socket() -> str:
    """The engine's socket the guard talks to (DOCKER_HOST if it is a unix:// address)."""
    host = os.environ.get("DOCKER_HOST", "")
    if host.startswith("unix://"):
        return host[len("unix://"):]
    return "/var/run/docker.sock"
