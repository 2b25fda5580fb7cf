#!/usr/bin/env python3
"""The smallest grpcio health client, the second reference of bench/grpc.py: one
grpc.health.v1.Health/Check, exit 0 on SERVING, 1 otherwise (or on any RPC error).

    grpc_reference_client.py HOST:PORT [SERVICE] [--ca CA --server-name NAME]

grpcio comes from PYTHONPATH (bench/grpc.py sets it to scripts/setup's KEEL_CACHE_DIR install);
nothing else is imported, so the figure is Python's start plus grpcio's import plus the call.
"""

import os
import sys

# This directory holds bench/grpc.py, which would shadow the grpc package.
sys.path.remove(os.path.dirname(os.path.abspath(__file__)))
import grpc  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402


def main(argv):
    args, ca, server_name = [], None, None
    while argv:
        word = argv.pop(0)
        if word == "--ca":
            ca = argv.pop(0)
        elif word == "--server-name":
            server_name = argv.pop(0)
        else:
            args.append(word)
    address, service = args[0], (args[1] if len(args) > 1 else "")
    if ca:
        with open(ca, "rb") as f:
            credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
        # Dial the IP, verify the name: the same split as grpc_health_probe's -tls-server-name.
        options = [("grpc.ssl_target_name_override", server_name)] if server_name else []
        channel = grpc.secure_channel(address, credentials, options=options)
    else:
        channel = grpc.insecure_channel(address)
    with channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=service),
                                                              timeout=2)
        except grpc.RpcError as error:
            print(f"error: {error.code().name}", file=sys.stderr)
            return 1
    return 0 if reply.status == health_pb2.HealthCheckResponse.SERVING else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
