"""The local stack's ports: free_port never hands out a port twice in one process, even where the OS offers a port
it just gave again (a service's metrics port and its gRPC port once came out the same, and the service could not
start)."""

from __future__ import annotations

import socket

from services.local import processes
from services.local.processes import free_port


def test_free_port_never_gives_the_same_port_twice():
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)
    with socket.socket() as s:
        s.bind(("127.0.0.1", ports[-1]))  # and each was free when given


def test_a_port_the_os_offers_again_is_passed_over_stand_in_socket(monkeypatch):
    """A stand-in socket offers the same port twice: the OS does so only by chance, so it is made to here."""
    offered = iter([41001, 41001, 41002])

    class Socket:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def bind(self, address):
            self.port = next(offered)

        def getsockname(self):
            return ("127.0.0.1", self.port)

    monkeypatch.setattr(processes, "_GIVEN_PORTS", set())
    monkeypatch.setattr(processes.socket, "socket", Socket)
    assert [free_port(), free_port()] == [41001, 41002]
