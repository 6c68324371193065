"""A doorbell for the outbox relay that holds the lease, rung by whoever commits outbox rows.

Allocation's API and worker write one outbox, but only one relay (the lease holder, see
`relay_lease`) publishes it. A commit in the other process used to wait for the holder's next
poll (0.2 s). The holder listens on a datagram socket in Linux's abstract namespace (no file,
gone with the process), named after the database and the lease; every commit sends one byte.
A ring that finds nobody listening is dropped: the holder's poll still finds the rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import select
import socket

from sqlalchemy import Engine


class RelayBell:
    def __init__(self, engine: Engine, lease_name: str):
        where = engine.url.render_as_string(hide_password=True)
        digest = hashlib.blake2b(f"{where}|{lease_name}".encode(), digest_size=12).hexdigest()
        self.address = f"\0woonregie-relay-{digest}"
        self._sender: socket.socket | None = None
        self._listener: socket.socket | None = None

    def ring(self) -> None:
        """Tell the holder that rows wait (never blocks, never fails)."""
        with contextlib.suppress(OSError):
            if self._sender is None:
                self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self._sender.setblocking(False)
            self._sender.sendto(b"1", self.address)

    def listen(self) -> bool:
        """Answer the rings from now on (the lease holder); False where that is impossible."""
        if self._listener is not None:
            return True
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            listener.bind(self.address)
        except OSError:  # another listener (a holder that has not closed yet) or no support
            listener.close()
            return False
        listener.setblocking(False)
        self._listener = listener
        return True

    @property
    def listening(self) -> bool:
        return self._listener is not None

    def wait(self, timeout: float) -> None:
        """Until a ring or `timeout` seconds; the rings so far are answered at once."""
        listener = self._listener
        if listener is None:
            return
        # `close` may run meanwhile (a relay stopping while its thread still waits)
        with contextlib.suppress(OSError, ValueError):
            readable, _, _ = select.select([listener], [], [], timeout)
            while readable and listener.recv(64):
                pass

    def close(self) -> None:
        for sock in (self._listener, self._sender):
            if sock is not None:
                sock.close()
        self._listener = self._sender = None
