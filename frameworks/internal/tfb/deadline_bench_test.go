package tfb

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// BenchmarkKeepAliveDeadlines is the cost of a request on a keep-alive
// connection to net/http's and fasthttp's servers with the entries'
// timeouts, the connections' deadlines passed to the poller on every
// request as the server sets them ("poller") or through lazyDeadlineConn
// ("lazy"), as Listen gives them, against the same server with no timeouts
// at all ("unprotected", as TFB's public entries run): lazy over
// unprotected is what the protections still cost. Sixteen pipelined
// requests per round trip, as TFB's plaintext load sends them, so that the
// server's work weighs more than the loopback's.
func BenchmarkKeepAliveDeadlines(b *testing.B) {
	protected := Config{ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second, IdleTimeout: 60 * time.Second}
	servers := []struct {
		name  string
		serve func(net.Listener, Config) (stop func())
	}{
		{"net-http", func(l net.Listener, cfg Config) func() {
			srv := cfg.HTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{"text/plain"}
				io.WriteString(w, HelloWorld)
			}))
			go srv.Serve(l)
			return func() { srv.Close() }
		}},
		{"fasthttp", func(l net.Listener, cfg Config) func() {
			srv := &fasthttp.Server{ReadTimeout: cfg.ReadHeaderTimeout, IdleTimeout: cfg.IdleTimeout, Handler: func(c *fasthttp.RequestCtx) {
				c.SetContentType("text/plain")
				c.WriteString(HelloWorld)
			}}
			go srv.Serve(l)
			return func() { srv.Shutdown() }
		}},
	}
	plain := func(l net.Listener) net.Listener { return l }
	wraps := []struct {
		name string
		cfg  Config
		wrap func(net.Listener) net.Listener
	}{
		{"poller", protected, plain},
		{"lazy", protected, func(l net.Listener) net.Listener { return &patientListener{Listener: l} }},
		{"unprotected", Config{}, plain},
	}
	for _, sc := range servers {
		for _, wc := range wraps {
			serve := func(l net.Listener) func() { return sc.serve(l, wc.cfg) }
			b.Run(sc.name+"/"+wc.name, func(b *testing.B) { benchmarkPipelined(b, serve, wc.wrap) })
		}
	}
}

// benchmarkPipelined sends b.N plaintext requests, sixteen at a time, on one
// connection to the server serve starts on a wrapped loopback listener.
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
}
