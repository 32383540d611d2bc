package tfb

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// BenchmarkKeepAliveDeadlines is the cost of a request on a keep-alive
// connection to net/http's and fasthttp's servers with the entries'
// timeouts: set by the server and passed to the poller on every request
// ("poller"), set by the server through lazyDeadlineConn as Listen gives
// them ("lazy"), or, for fasthttp, enforced by the connection itself on a
// server given none (Config.TimeoutListener, "timeout-listener"), against
// the same server with no timeouts at all ("unprotected", as TFB's public
// entries run): each over unprotected is what the protections cost.
// Sixteen pipelined requests per round trip, as TFB's plaintext load sends
// them, so that the server's work weighs more than the loopback's.
func BenchmarkKeepAliveDeadlines(b *testing.B) {
	cfg := Config{ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second, IdleTimeout: 60 * time.Second}
	netHTTP := func(cfg Config) func(net.Listener) func() {
		return func(l net.Listener) func() {
			srv := cfg.HTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{"text/plain"}
				io.WriteString(w, HelloWorld)
			}))
			go srv.Serve(l)
			return func() { srv.Close() }
		}
	}
	fastHTTP := func(readTimeout, idleTimeout time.Duration) func(net.Listener) func() {
		return func(l net.Listener) func() {
			srv := &fasthttp.Server{ReadTimeout: readTimeout, IdleTimeout: idleTimeout, Handler: func(c *fasthttp.RequestCtx) {
				c.SetContentType("text/plain")
				c.WriteString(HelloWorld)
			}}
			go srv.Serve(l)
			return func() { srv.Shutdown() }
		}
	}
	plain := func(l net.Listener) net.Listener { return l }
	lazy := func(l net.Listener) net.Listener { return &patientListener{Listener: l} }
	timeouts := func(l net.Listener) net.Listener { return cfg.TimeoutListener(lazy(l)) }
	cases := []struct {
		name  string
		serve func(net.Listener) func()
		wrap  func(net.Listener) net.Listener
	}{
		{"net-http/poller", netHTTP(cfg), plain},
		{"net-http/lazy", netHTTP(cfg), lazy},
		{"net-http/unprotected", netHTTP(Config{}), plain},
		{"fasthttp/poller", fastHTTP(cfg.ReadHeaderTimeout, cfg.IdleTimeout), plain},
		{"fasthttp/lazy", fastHTTP(cfg.ReadHeaderTimeout, cfg.IdleTimeout), lazy},
		{"fasthttp/timeout-listener", fastHTTP(0, 0), timeouts},
		{"fasthttp/unprotected", fastHTTP(0, 0), plain},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchmarkPipelined(b, c.serve, c.wrap) })
	}
}

// benchmarkPipelined sends b.N plaintext requests, sixteen at a time, on one
// connection to the server serve starts on a wrapped loopback listener. It
// reports the process's CPU time per request (client and server, user and
// system) beside the wall time: on a shared machine the CPU time is the
// steadier of the two.
func benchmarkPipelined(b *testing.B, serve func(net.Listener) func(), wrap func(net.Listener) net.Listener) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer serve(wrap(l))()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	const depth = 16
	one := "GET /plaintext HTTP/1.1\r\nHost: tfb-server\r\n\r\n"
	batch := make([]byte, 0, depth*len(one))
	for range depth {
		batch = append(batch, one...)
	}
	br := bufio.NewReader(c)
	cpu := processCPU(b)
	b.ResetTimer()
	for i := 0; i < b.N; i += depth {
		if _, err := c.Write(batch); err != nil {
			b.Fatal(err)
		}
		for range depth {
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(processCPU(b)-cpu)/float64(b.N), "cpu-ns/op")
}

// processCPU is the user and system CPU time the process has used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkClockRead is what a connection's timeouts pay per clock read:
// time.Now, as fasthttp reads it for each timeout it sets, against the
// coarse clock Config.TimeoutListener's connections read.
func BenchmarkClockRead(b *testing.B) {
	var t time.Time
	b.Run("time.Now", func(b *testing.B) {
		for range b.N {
			t = time.Now()
		}
	})
	clock := sharedClock()
	b.Run("coarse", func(b *testing.B) {
		for range b.N {
			t = clock.Now()
		}
	})
	_ = t
}
