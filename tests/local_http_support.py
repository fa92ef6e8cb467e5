"""A local HTTP server for download tests: 127.0.0.1 only, in a thread, serving a tmp folder."""

import http.server
import threading

import pytest


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the server's folder; ``/drop/<n>`` promises n bytes, sends half and hangs up."""

    requests = []  # paths asked for, shared by the test and the server thread

    def do_GET(self):
        type(self).requests.append(self.path)
        if self.path.startswith("/drop/"):
            size = int(self.path.split("/")[-1])
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.write(b"x" * (size // 2))
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """(base URL ending in '/', served folder); ``Handler.requests`` lists the paths asked."""
    served = tmp_path / "served"
    served.mkdir()
    Handler.requests = []

    def handler(*args, **kwargs):
        return Handler(*args, directory=str(served), **kwargs)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/" % httpd.server_address[1], served
    httpd.shutdown()
    httpd.server_close()
