package tfb

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"golang.org/x/sys/unix"
)

// TestTimeoutListener checks when a fasthttp server given no timeouts of
// its own, serving through Config.TimeoutListener, closes a connection: a
// request must arrive whole within the read-header timeout of its first
// bytes, however they trickle in, and the next request must start within
// the idle timeout of the last response; a client that keeps within both
// is served. fasthttp with its own timeouts (ReadTimeout for the request,
// as the entries set it, and IdleTimeout) must meet the same table.
func TestTimeoutListener(t *testing.T) {
	const readHeader, idle = 300 * time.Millisecond, 900 * time.Millisecond
	const request = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n"
	cfg := Config{ReadHeaderTimeout: readHeader, IdleTimeout: idle}
	handler := func(c *fasthttp.RequestCtx) { c.WriteString(HelloWorld) }
	servers := []struct {
		name   string
		server *fasthttp.Server
		wrap   func(net.Listener) net.Listener
	}{
		{"timeout listener", &fasthttp.Server{Handler: handler}, cfg.TimeoutListener},
		{"fasthttp's timeouts", &fasthttp.Server{Handler: handler, ReadTimeout: readHeader, IdleTimeout: idle}, func(l net.Listener) net.Listener { return l }},
	}
	tests := []struct {
		name string
		// client talks to the server over c, dialed at dialed, then returns
		// a time at or before the event the server's timeout runs from: so
		// that a client or server slowed down by a loaded machine makes the
		// wait look longer, never shorter.
		client func(t *testing.T, c net.Conn, br *bufio.Reader, dialed time.Time) time.Time
		// The server must close the connection between min and max after
		// that time, having sent nothing more than an error response.
		min, max time.Duration
	}{
		{"a half-sent first request: the read-header timeout from the accept", func(t *testing.T, c net.Conn, br *bufio.Reader, dialed time.Time) time.Time {
			io.WriteString(c, request[:10])
			return dialed
		}, readHeader, readHeader + 150*time.Millisecond},
		{"a trickled request: the read-header timeout from its first byte", func(t *testing.T, c net.Conn, br *bufio.Reader, dialed time.Time) time.Time {
			exchange(t, c, br, request)
			time.Sleep(idle / 3)
			start := time.Now()
			go func() {
				for i := range 10 {
					if _, err := io.WriteString(c, request[i:i+1]); err != nil {
						return
					}
					time.Sleep(readHeader / 6)
				}
			}()
			return start
		}, readHeader, readHeader + 150*time.Millisecond},
		{"a half-sent second request: the read-header timeout from its first bytes", func(t *testing.T, c net.Conn, br *bufio.Reader, dialed time.Time) time.Time {
			exchange(t, c, br, request)
			time.Sleep(idle / 2)
			start := time.Now()
			io.WriteString(c, request[:10])
			return start
		}, readHeader, readHeader + 150*time.Millisecond},
		{"an idle connection: the idle timeout from the last response", func(t *testing.T, c net.Conn, br *bufio.Reader, dialed time.Time) time.Time {
			start := time.Now()
			exchange(t, c, br, request)
			return start
		}, idle, idle + 150*time.Millisecond},
		{"a client within both timeouts, pipelining: served, then the idle timeout", func(t *testing.T, c net.Conn, br *bufio.Reader, dialed time.Time) time.Time {
			var start time.Time
			for range 3 {
				exchange(t, c, br, request+request+request)
				time.Sleep(idle * 2 / 3)
				exchange(t, c, br, request[:10])
				time.Sleep(readHeader * 2 / 3)
				start = time.Now()
				exchange(t, c, br, request[10:])
			}
			return start
		}, idle, idle + 150*time.Millisecond},
	}
	for _, sc := range servers {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go sc.server.Serve(sc.wrap(&patientListener{Listener: l}))
			t.Cleanup(func() { sc.server.Shutdown() })
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					testClosedWithin(t, l.Addr().String(), tt.client, tt.min, tt.max)
				})
			}
		})
	}
}

// testClosedWithin dials addr, lets client talk to the server, and checks
// that the server closes the connection between min and max after the
// time client returns, with no more than an error response.
func testClosedWithin(t *testing.T, addr string, client func(*testing.T, net.Conn, *bufio.Reader, time.Time) time.Time, min, max time.Duration) {
	dialed := time.Now()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	start := client(t, c, br, dialed)
	c.SetReadDeadline(time.Now().Add(max + 2*time.Second))
	rest, err := io.ReadAll(br)
	took := time.Since(start)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the connection is still open after %s", took.Round(time.Millisecond))
	}
	if len(rest) > 0 && !bytes.HasPrefix(rest, []byte("HTTP/1.1 4")) {
		t.Errorf("the server sent %q before closing, want nothing or an error response", rest)
	}
	if took < min || took > max {
		t.Errorf("the server closed the connection after %s, want between %s and %s", took.Round(time.Millisecond), min, max)
	}
}

// exchange writes send and reads the responses to each whole request in
// it, checking they are 200s.
func exchange(t *testing.T, c net.Conn, br *bufio.Reader, send string) {
	t.Helper()
	if _, err := io.WriteString(c, send); err != nil {
		t.Fatalf("write: %v", err)
	}
	for range strings.Count(send, "\r\n\r\n") {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("read a response: %v", err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200", res.StatusCode)
		}
	}
}

// TestRequestWatch checks that a RequestWatch closes a connection that
// holds bytes unread past the read-header timeout with no request being
// handled, and leaves open an idle one and one whose request is handled
// for longer than the timeout.
func TestRequestWatch(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name string
		send bool // whether the client sends bytes, which the server never reads
		// handling and handled are when the server starts and ends handling
		// a request; 0 for never.
		handling, handled time.Duration
		wantClosed        bool
	}{
		{"bytes waiting, nothing handled", true, 0, 0, true},
		{"idle", false, 0, 0, false},
		{"a request handled for longer than the timeout", true, timeout / 2, 2 * timeout, false},
	}
	w := Config{ReadHeaderTimeout: timeout}.NewRequestWatch()
	t.Cleanup(w.Stop)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			server, client := loopbackPair(t)
			wc := w.Watch(&tcpProbe{conn: server.Conn.(*net.TCPConn)})
			start := time.Now()
			if tt.send {
				client.Write([]byte("GET /pl"))
			}
			if tt.handling > 0 {
				time.AfterFunc(tt.handling, wc.Handling)
				time.AfterFunc(tt.handled, wc.Handled)
			}
			// Past the handled request, the bytes still waiting would be
			// held unread again: look before that could close it.
			client.SetReadDeadline(start.Add(2*timeout + timeout*3/4))
			_, err := client.Read(make([]byte, 1))
			took := time.Since(start)
			if closed := !errors.Is(err, os.ErrDeadlineExceeded); closed != tt.wantClosed {
				t.Fatalf("closed: %v after %s (read: %v), want %v", closed, took.Round(time.Millisecond), err, tt.wantClosed)
			}
			if tt.wantClosed && (took < timeout || took > timeout+2*watchInterval+100*time.Millisecond) {
				t.Errorf("closed after %s, want after the %s timeout and within two watch intervals of it", took.Round(time.Millisecond), timeout)
			}
		})
	}
}

// tcpProbe is a TCP connection as a WatchedProbe: the kernel says how many
// bytes wait in its receive queue.
type tcpProbe struct {
	conn   *net.TCPConn
	closed atomic.Bool
}

func (p *tcpProbe) Buffered() int {
	n := 0
	rc, err := p.conn.SyscallConn()
	if err != nil {
		return 0
	}
	rc.Control(func(fd uintptr) { n, _ = unix.IoctlGetInt(int(fd), unix.SIOCINQ) })
	return n
}

func (p *tcpProbe) Closed() bool { return p.closed.Load() }

func (p *tcpProbe) Close() error { p.closed.Store(true); return p.conn.Close() }
