"""The request handler of the download tests' local HTTP server (conftest.py's ``server``
fixture: 127.0.0.1 only, in a thread, serving a tmp folder)."""

import http.server


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
