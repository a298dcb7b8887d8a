"""A real SMTP server in the test process, for tests of mail when SMTP is down, then up.

`smtp_port` gives a free port to point MAILERS at (nothing listens yet: SMTP is down);
`SMTPServer(port)` starts just enough SMTP (RFC 5321) for Django's smtplib client there,
as a context manager; `received` holds the raw messages.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message


class _SMTPHandler(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self._reply("220 test ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._reply("250-test")
                self._reply("250 8BITMIME")
            elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                owner: SMTPServer = self.server.owner  # type: ignore[attr-defined]
                if owner.hold is not None and len(owner.received) >= owner.hold:
                    # Stall before "queued": the client waits; if it goes away now, the
                    # message was never accepted and is discarded (RFC 5321, 4.1.1.4).
                    owner.holding.set()
                    while self.rfile.readline():
                        pass
                    return
                self.server.received.append(data)  # type: ignore[attr-defined]
                self._reply("250 queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("502 not implemented")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """`with SMTPServer(port) as server:` SMTP is up; `server.messages()` parses what came.
    `hold=n`: accept n messages, then stall on the next one before acknowledging it
    (`holding` is set then), until `hold` is None again."""

    def __init__(self, port: int, hold: int | None = None) -> None:
        self.port = port
        self.received: list[bytes] = []
        self.hold = hold
        self.holding = threading.Event()

    def __enter__(self) -> SMTPServer:
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), _SMTPHandler)
        self._server.received = self.received  # type: ignore[attr-defined]
        self._server.owner = self  # type: ignore[attr-defined]
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def messages(self) -> list[Message]:
        return [message_from_bytes(raw) for raw in self.received]


def subject_of(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))
