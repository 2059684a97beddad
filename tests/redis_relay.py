"""A TCP relay to the test Redis that a test cuts and restores: Redis "down" without stopping it.

The app under test gets `redis://127.0.0.1:<relay port>/15`. While the relay is cut, its port
refuses connections and the connections it carried are closed, as when Redis goes away.

The port stays the relay's from start to end, cut or not: a socket bound to port 0 holds it
without listening (a connection to a bound port nobody listens on is refused), and the
listener binds the same port beside it while the relay runs (both with SO_REUSEADDR, which
Linux allows as long as only one of them listens). No other process can take the port while
the relay is cut.
"""
import socket
import threading

REDIS = ("127.0.0.1", 6379)


class RedisRelay:
    def __init__(self, db=15):
        self._holder = _reusable_socket()
        self._holder.bind(("127.0.0.1", 0))
        self.port = self._holder.getsockname()[1]
        self.url = "redis://127.0.0.1:%d/%d" % (self.port, db)
        self._listener = None
        self._open = []
        self._guard = threading.Lock()

    def start(self):
        listener = _reusable_socket()
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def cut(self):
        """Refuse new connections and drop the open ones."""
        with self._guard:
            listener, self._listener = self._listener, None
            sockets, self._open = self._open, []
        if listener is not None:
            _shut(listener)  # wakes the thread blocked in accept()
            listener.close()
        for sock in sockets:
            _shut(sock)
            sock.close()

    restore = start

    def close(self):
        """Cut, and give the port back."""
        self.cut()
        self._holder.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(REDIS)
            with self._guard:
                if self._listener is not listener:  # cut meanwhile
                    for sock in (client, upstream):
                        sock.close()
                    return
                self._open += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, target), daemon=True).start()


def _reusable_socket():
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sock


def _pump(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    for sock in (source, target):
        _shut(sock)  # the relay closes them when cut


def _shut(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
