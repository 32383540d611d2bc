"""A tiny TFB test written for go-tfb's tests: /json, /plaintext and /db on
Python's http.server, the database reached as tfb-database:5432 as TFB's
tests reach it."""

import json
import queue
import random
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2

DSN = "host=tfb-database port=5432 dbname=hello_world user=benchmarkdbuser password=benchmarkdbpass"
POOL = queue.Queue()
for _ in range(8):
    POOL.put(None)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pytest"
    sys_version = ""

    def log_message(self, *args):
        pass

    def send(self, body, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/json":
            self.send(json.dumps({"message": "Hello, World!"}).encode(), "application/json")
        elif self.path == "/plaintext":
            self.send(b"Hello, World!", "text/plain")
        elif self.path == "/db":
            conn = POOL.get()
            try:
                if conn is None:
                    conn = psycopg2.connect(DSN)
                    conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute("SELECT id, randomnumber FROM world WHERE id = %s", (random.randint(1, 10000),))
                    row = cur.fetchone()
                self.send(json.dumps({"id": row[0], "randomNumber": row[1]}).encode(), "application/json")
            except psycopg2.Error:
                conn = None
                self.send_error(500)
            finally:
                POOL.put(conn)
        else:
            self.send_error(404)


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer.request_queue_size = 1024
ThreadingHTTPServer(("127.0.0.1", 28181), Handler).serve_forever()
