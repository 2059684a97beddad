"""Servers that fail on purpose, for the upstream client's tests: no cassette, as the failure
never reaches HTTP (a closed port is the `closed_port_url` fixture)."""
import socket
import threading

HOST = "127.0.0.1"


class RawServer:
    """A loopback socket on port 0 served by a thread: each connection goes to `handle`, which
    closes it or keeps it in `held` (closed when the `with` block ends)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind((HOST, 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.url = "http://%s:%d" % (HOST, self.sock.getsockname()[1])
        self.held = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:  # the accept timed out (socket.timeout is an OSError)
                continue
            self.handle(conn)

    def handle(self, conn):
        raise NotImplementedError

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()
        for conn in self.held:
            conn.close()
        self.sock.close()


class MuteServer(RawServer):
    """Accepts connections and never answers; with `drop`, reads the request then hangs up."""

    def __init__(self, drop=False):
        super().__init__()
        self.drop = drop

    def handle(self, conn):
        if not self.drop:
            self.held.append(conn)
            return
        conn.settimeout(2)
        try:
            conn.recv(65536)
        except OSError:
            pass
        conn.close()
