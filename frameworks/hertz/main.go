// Command hertz serves the TFB test types with CloudWeGo Hertz
// (github.com/cloudwego/hertz) on its own network layer, netpoll: a
// server.Hertz routes, app.RequestContext answers, and goccy/go-json is
// Hertz's JSON encoder.
package main

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/app/server"
	"github.com/cloudwego/hertz/pkg/app/server/render"
	"github.com/cloudwego/hertz/pkg/common/config"
	"github.com/cloudwego/hertz/pkg/common/hlog"
	hnetpoll "github.com/cloudwego/hertz/pkg/network/netpoll"
	"github.com/cloudwego/netpoll"
	"github.com/goccy/go-json"

	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func main() {
	// Hertz's log (mostly requests it cannot parse) goes to slog at debug
	// level; netpoll's, which Hertz discards, at warning level: it tells of
	// the accepts that wait for a free file descriptor.
	hlog.SetOutput(logWriter{from: "hertz", level: slog.LevelDebug})
	netpoll.SetLoggerOutput(logWriter{from: "netpoll", level: slog.LevelWarn})
	tfb.Run("hertz", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return &hertzServer{svc: svc, cfg: cfg}
	})
}

// logWriter is an io.Writer for a log.Logger's lines that logs each to
// slog's default logger at level.
type logWriter struct {
	from  string
	level slog.Level
}

func (w logWriter) Write(p []byte) (int, error) {
	slog.Log(context.Background(), w.level, strings.TrimSpace(string(p)), "from", w.from)
	return len(p), nil
}

// Content types, as the net/http entries send them.
const (
	textPlain       = "text/plain"
	applicationJSON = "application/json"
	textHTML        = "text/html; charset=utf-8"
)

// newHertz routes the test types to svc, with the server options opts
// added. Hertz answers other methods on these paths with 405 and unknown
// paths with 404, and sends "Server: hertz" and Date itself.
//
// Hertz's one read timeout bounds each wait for bytes, not the request: a
// client trickling its request a byte at a time would hold the connection
// as long as it likes. watch bounds the whole request by the read-header
// timeout (a test type's request is all header): each accepted connection
// is put under it, with its watchedConn in the connection's context, and
// the first middleware tells it when a request is read and when it is
// answered. Hertz runs that middleware for every request, 404 and 405
// included. A body that never comes leaves no bytes waiting, so the read
// timeout still bounds it: half the header's, since a chunked body is
// waited for twice (its size line, then again).
func newHertz(svc *tfb.Service, cfg tfb.Config, watch *tfb.RequestWatch, opts ...config.Option) *server.Hertz {
	render.ResetJSONMarshal(json.Marshal)
	opts = append([]config.Option{
		server.WithHandleMethodNotAllowed(true),
		server.WithDisablePrintRoute(true),
		server.WithReadTimeout(cfg.ReadHeaderTimeout / 2),
		server.WithIdleTimeout(cfg.IdleTimeout),
		server.WithOnAccept(func(conn net.Conn) context.Context { return watchConn(watch, conn) }),
	}, opts...)
	h := &handlers{svc: svc}
	s := server.New(opts...)
	s.Use(func(ctx context.Context, c *app.RequestContext) {
		wc, _ := ctx.Value(watchedKey{}).(*tfb.WatchedConn)
		if wc == nil { // not served by a Hertz server, as in the benchmarks
			c.Next(ctx)
			return
		}
		wc.Handling()
		c.Next(ctx)
		wc.Handled()
	})
	s.GET("/plaintext", h.plaintext)
	s.GET("/json", h.json)
	s.GET("/db", h.db)
	s.GET("/queries", h.queries)
	s.GET("/updates", h.updates)
	s.GET("/fortunes", h.fortunes)
	s.GET("/cached-queries", h.cachedQueries)
	return s
}

// watchedKey is the context key of a connection's *tfb.WatchedConn.
type watchedKey struct{}

// probe is a netpoll connection as a tfb.WatchedProbe.
type probe struct{ netpoll.Connection }

func (p probe) Buffered() int { return p.Reader().Len() }

func (p probe) Closed() bool { return !p.IsActive() }

// watchConn puts conn, as Hertz's netpoll transport accepts it, under
// watch, in the context it returns for the connection.
func watchConn(watch *tfb.RequestWatch, conn net.Conn) context.Context {
	ctx := context.Background()
	if hc, ok := conn.(*hnetpoll.Conn); ok {
		if nc, ok := hc.Conn.(netpoll.Connection); ok {
			ctx = context.WithValue(ctx, watchedKey{}, watch.Watch(probe{nc}))
		}
	}
	return ctx
}

type handlers struct {
	svc *tfb.Service
}

func (h *handlers) plaintext(_ context.Context, c *app.RequestContext) {
	c.SetContentType(textPlain)
	c.SetBodyString(tfb.HelloWorld)
}

func (h *handlers) json(_ context.Context, c *app.RequestContext) {
	h.respond(c, tfb.Message{Message: tfb.HelloWorld}, nil)
}

func (h *handlers) db(ctx context.Context, c *app.RequestContext) {
	world, err := h.svc.World(ctx)
	h.respond(c, world, err)
}

func (h *handlers) queries(ctx context.Context, c *app.RequestContext) {
	worlds, err := h.svc.Worlds(ctx, tfb.QueryCount(c.Query("queries")))
	h.respond(c, worlds, err)
}

func (h *handlers) updates(ctx context.Context, c *app.RequestContext) {
	worlds, err := h.svc.UpdatedWorlds(ctx, tfb.QueryCount(c.Query("queries")))
	h.respond(c, worlds, err)
}

func (h *handlers) cachedQueries(ctx context.Context, c *app.RequestContext) {
	worlds, err := h.svc.CachedWorlds(ctx, tfb.QueryCount(c.Query("count")))
	h.respond(c, worlds, err)
}

// fortunes renders the page into the response body: RequestContext is an
// io.Writer that appends to it.
func (h *handlers) fortunes(ctx context.Context, c *app.RequestContext) {
	c.SetContentType(textHTML)
	if err := h.svc.Fortunes(ctx, c); err != nil {
		h.fail(c, err)
	}
}

// respond writes v with Hertz's JSON render (goccy's json.Marshal, set in
// newHertz), or the error's status and short body.
func (h *handlers) respond(c *app.RequestContext, v any, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(200, v)
	c.SetContentType(applicationJSON)
}

// fail answers with the status and short body of a failure, in place of
// whatever body was written before.
func (h *handlers) fail(c *app.RequestContext, err error) {
	status, body := h.svc.ReportFailure(err)
	c.Response.ResetBody()
	c.String(status, body)
}

// hertzServer serves the test types as a tfb.Server. A server.Hertz takes
// its listener when it is made, so Serve makes it.
type hertzServer struct {
	svc *tfb.Service
	cfg tfb.Config

	mu sync.Mutex
	h  *server.Hertz
}

// Serve serves l with netpoll, which polls the listening socket itself: it
// is given the *net.TCPListener under tfb.Listen's listener.
func (s *hertzServer) Serve(l net.Listener) error {
	if u, ok := l.(interface{ Unwrap() net.Listener }); ok {
		l = u.Unwrap()
	}
	watch := s.cfg.NewRequestWatch()
	defer watch.Stop()
	h := newHertz(s.svc, s.cfg, watch, server.WithListener(l))
	s.mu.Lock()
	s.h = h
	s.mu.Unlock()
	return h.Run()
}

func (s *hertzServer) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	h := s.h
	s.mu.Unlock()
	if h == nil {
		return nil
	}
	return h.Shutdown(ctx)
}
