"""gRPC servers for the grpc:// probe's tests: real ones from PyPI's grpcio and
grpcio-health-checking (pinned in scripts/requirements-grpc.txt, installed by scripts/setup into
KEEL_CACHE_DIR), and hostile HTTP/2 peers written frame by frame. Everything listens on 127.0.0.1
or a unix socket and stops when its `with` block ends."""

import glob
import hashlib
import os
import struct
import sys
from concurrent import futures

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def grpc_python_dir():
    """scripts/lib/common.sh's keel_grpc_python_dir, in Python."""
    cache = os.environ.get("KEEL_CACHE_DIR") or os.path.join(os.environ.get("HOME", "/root"), ".cache", "keel")
    with open(os.path.join(ROOT, "scripts", "requirements-grpc.txt"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    return os.path.join(cache, f"python-grpc-{digest}")


def import_grpc():
    """grpc and its health modules, or an error that says to run scripts/setup."""
    path = grpc_python_dir()
    if not os.path.exists(os.path.join(path, ".complete")):
        raise RuntimeError(f"{path} is missing: run scripts/setup (it installs grpcio for these tests)")
    if path not in sys.path:
        sys.path.insert(0, path)
    import grpc  # noqa: E402
    from grpc_health.v1 import health, health_pb2, health_pb2_grpc  # noqa: E402
    return grpc, health, health_pb2, health_pb2_grpc


grpc, health, health_pb2, health_pb2_grpc = import_grpc()
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
UNKNOWN = health_pb2.HealthCheckResponse.UNKNOWN
SERVICE_UNKNOWN = health_pb2.HealthCheckResponse.SERVICE_UNKNOWN


class GrpcServer:
    """A grpcio server with the standard health service (unless health=False).

    statuses: {service: status}; "" is the server's overall health. tls: (cert, key) to serve
    grpcs; client_ca: require client certificates signed by it. unix_path: listen there instead."""

    def __init__(self, statuses=None, health=True, tls=None, client_ca=None, unix_path=None):
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        self.servicer = None
        self.metadata = []  # the invocation metadata of each Check call
        if health:
            self.servicer = RecordingHealth(self.metadata)
            health_pb2_grpc.add_HealthServicer_to_server(self.servicer, self.server)
            for service, status in (statuses or {"": SERVING}).items():
                self.servicer.set(service, status)
        address = f"unix:{unix_path}" if unix_path else "127.0.0.1:0"
        if tls:
            with open(tls[0], "rb") as f:
                cert = f.read()
            with open(tls[1], "rb") as f:
                key = f.read()
            roots = None
            if client_ca:
                with open(client_ca, "rb") as f:
                    roots = f.read()
            credentials = grpc.ssl_server_credentials([(key, cert)], root_certificates=roots,
                                                      require_client_auth=client_ca is not None)
            self.port = self.server.add_secure_port(address, credentials)
        else:
            self.port = self.server.add_insecure_port(address)
        self.unix_path = unix_path

    def set(self, service, status):
        self.servicer.set(service, status)

    def url(self, service="", scheme="grpc", host="127.0.0.1"):
        if self.unix_path:
            return f"grpc+unix://{self.unix_path}" + (f"?service={service}" if service else "")
        return f"{scheme}://{host}:{self.port}" + (f"/{service}" if service else "")

    def __enter__(self):
        self.server.start()
        return self

    def __exit__(self, *exc):
        self.server.stop(grace=None).wait(5)


class RecordingHealth(health.HealthServicer):
    """The standard servicer, also keeping each call's metadata."""

    def __init__(self, metadata):
        super().__init__()
        self.calls = metadata

    def Check(self, request, context):
        self.calls.append(dict(context.invocation_metadata()))
        return super().Check(request, context)


# Raw HTTP/2 ------------------------------------------------------------------------------------------

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, GOAWAY, CONTINUATION = 0x0, 0x1, 0x3, 0x4, 0x7, 0x9


def frame(kind, flags=0, stream=0, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def literal_headers(*fields):
    """An HPACK block of literal fields without indexing (RFC 7541 6.2.2), names sent as text."""
    block = b""
    for name, value in fields:
        name, value = name.encode(), value.encode()
        assert len(name) < 127 and len(value) < 127
        block += b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value
    return block


def read_client_start(conn, server, limit=65536):
    """The client's preface and first frames, up to its HEADERS frame (stream 1)."""
    data = b""
    while len(data) < limit and not server.stopped.is_set():
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
        if has_headers(data):
            break
    return data


def has_headers(data):
    if not data.startswith(PREFACE):
        return False
    at = len(PREFACE)
    while at + 9 <= len(data):
        length = int.from_bytes(data[at:at + 3], "big")
        if data[at + 3] == HEADERS:
            return True
        at += 9 + length
    return False
