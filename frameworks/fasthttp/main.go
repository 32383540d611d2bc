// Command fasthttp serves the TFB test types with fasthttp
// (github.com/valyala/fasthttp) and no framework on top: a
// fasthttp.RequestHandler picks the test type by a switch on the request's
// path, and each handler answers through the fasthttp.RequestCtx itself.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/goccy/go-json"
	"github.com/valyala/fasthttp"

	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func main() {
	tfb.Run("fasthttp", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return server{srv: newServer(svc), cfg: cfg}
	})
}

// Content types, as the net/http entries send them.
const (
	textPlain       = "text/plain"
	applicationJSON = "application/json"
	textHTML        = "text/html; charset=utf-8"
)

// newServer serves the test types of svc. It is given no timeouts: the
// listener enforces them (see server.Serve), which saves fasthttp's two
// clock reads per request. Name is the Server header of every response;
// fasthttp sets Date itself. Header names are kept as written: fasthttp skips the work
// of folding their case. What fasthttp logs of a connection (mostly
// requests it cannot parse) goes to slog at debug level.
func newServer(svc *tfb.Service) *fasthttp.Server {
	h := &handlers{svc: svc}
	return &fasthttp.Server{
		Handler:                       h.serve,
		Name:                          "fasthttp",
		DisableHeaderNamesNormalizing: true,
		Logger:                        debugLogger{slog.Default()},
	}
}

// debugLogger is a fasthttp.Logger that writes to slog at debug level.
type debugLogger struct{ log *slog.Logger }

func (l debugLogger) Printf(format string, args ...any) {
	if l.log.Enabled(context.Background(), slog.LevelDebug) {
		l.log.Debug(fmt.Sprintf(format, args...))
	}
}

type handlers struct {
	svc *tfb.Service
}

// serve routes a request: the seven paths (as fasthttp normalises them)
// answer GET, other methods on them 405, any other path 404.
func (h *handlers) serve(ctx *fasthttp.RequestCtx) {
	handle := h.route(ctx.Path())
	switch {
	case handle == nil:
		ctx.Error("404 page not found", fasthttp.StatusNotFound)
	case !ctx.IsGet():
		ctx.Response.Header.Set(fasthttp.HeaderAllow, fasthttp.MethodGet)
		ctx.Error("Method Not Allowed", fasthttp.StatusMethodNotAllowed)
	default:
		handle(ctx)
	}
}

// route returns the handler of path, or nil. A switch on string(path)
// compares without allocating.
func (h *handlers) route(path []byte) fasthttp.RequestHandler {
	switch string(path) {
	case "/plaintext":
		return h.plaintext
	case "/json":
		return h.json
	case "/db":
		return h.db
	case "/queries":
		return h.queries
	case "/updates":
		return h.updates
	case "/fortunes":
		return h.fortunes
	case "/cached-queries":
		return h.cachedQueries
	}
	return nil
}

// The database calls get context.Background(), not ctx: a RequestCtx as a
// context.Context is done once the server starts shutting down, which would
// cut short the requests in flight that a graceful shutdown lets finish,
// and fasthttp never learns that a client went away. The Service bounds
// each call with its own deadline.

func (h *handlers) plaintext(ctx *fasthttp.RequestCtx) {
	ctx.SetContentType(textPlain)
	ctx.SetBodyString(tfb.HelloWorld)
}

func (h *handlers) json(ctx *fasthttp.RequestCtx) {
	h.respond(ctx, tfb.Message{Message: tfb.HelloWorld}, nil)
}

func (h *handlers) db(ctx *fasthttp.RequestCtx) {
	world, err := h.svc.World(context.Background())
	h.respond(ctx, world, err)
}

func (h *handlers) queries(ctx *fasthttp.RequestCtx) {
	worlds, err := h.svc.Worlds(context.Background(), queryCount(ctx, "queries"))
	h.respond(ctx, worlds, err)
}

func (h *handlers) updates(ctx *fasthttp.RequestCtx) {
	worlds, err := h.svc.UpdatedWorlds(context.Background(), queryCount(ctx, "queries"))
	h.respond(ctx, worlds, err)
}

func (h *handlers) cachedQueries(ctx *fasthttp.RequestCtx) {
	worlds, err := h.svc.CachedWorlds(context.Background(), queryCount(ctx, "count"))
	h.respond(ctx, worlds, err)
}

// fortunes renders the page into the response body: RequestCtx is an
// io.Writer that appends to it.
func (h *handlers) fortunes(ctx *fasthttp.RequestCtx) {
	ctx.SetContentType(textHTML)
	if err := h.svc.Fortunes(context.Background(), ctx); err != nil {
		h.fail(ctx, err)
	}
}

// queryCount reads the count parameter name from the query string.
func queryCount(ctx *fasthttp.RequestCtx, name string) int {
	return tfb.QueryCount(string(ctx.QueryArgs().Peek(name)))
}

// respond encodes v as JSON straight into the response body (RequestCtx
// is an io.Writer; goccy's Encoder reuses a pooled buffer, where
// json.Marshal would allocate the body), or writes the error's status and
// short body.
func (h *handlers) respond(ctx *fasthttp.RequestCtx, v any, err error) {
	if err != nil {
		h.fail(ctx, err)
		return
	}
	ctx.SetContentType(applicationJSON)
	if err := json.NewEncoder(ctx).Encode(v); err != nil {
		ctx.Error("encode JSON", fasthttp.StatusInternalServerError)
	}
}

// fail answers with the status and short body of a failure; ctx.Error
// drops whatever body was written before.
func (h *handlers) fail(ctx *fasthttp.RequestCtx, err error) {
	status, body := h.svc.ReportFailure(err)
	ctx.Error(body, status)
}

// server serves a fasthttp.Server as a tfb.Server, with the configuration's
// read-header timeout for each whole request (a test type's request is all
// header) and its idle timeout enforced by the listener.
type server struct {
	srv *fasthttp.Server
	cfg tfb.Config
}

func (s server) Serve(l net.Listener) error { return s.srv.Serve(s.cfg.TimeoutListener(l)) }

func (s server) Shutdown(ctx context.Context) error { return s.srv.ShutdownWithContext(ctx) }
