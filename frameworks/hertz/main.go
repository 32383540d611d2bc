// Command hertz serves the TFB test types with hertz (github.com/cloudwego/hertz).
//
// Made by `tfb new`: it starts as a net/http entry that routes to the
// handlers of package stdhttp (frameworks/internal/stdhttp), so that it
// compiles and passes the conformance suite at once. Adapt the places marked
// ADAPT to hertz's own router, handler signatures and response API;
// keep the test-type logic in package tfb (frameworks/internal/tfb), which
// every entry shares.
package main

import (
	"net/http"

	"github.com/go-tfb/suite/frameworks/internal/stdhttp"
	"github.com/go-tfb/suite/frameworks/internal/tfb"

	// ADAPT: import hertz under its own name and use it below; the
	// blank import only keeps the module required until then.
	_ "github.com/cloudwego/hertz"
)

func main() {
	// tfb.Run owns the configuration, listening, timeouts and graceful
	// shutdown. ADAPT: if hertz has a server of its own (not an
	// http.Handler), return a small type with Serve(net.Listener) and
	// Shutdown(ctx) around it, taking its timeouts from cfg, as
	// frameworks/fiber does.
	tfb.Run("hertz", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return cfg.HTTPServer(newHandler(svc))
	})
}

// newHandler routes the test types to svc, with the Server header set on
// every response: frameworks/nethttp's newHandler, which a test of the
// scaffold keeps this one the same as.
//
// ADAPT: build hertz's router here and register the seven routes
// with its API (GET only; other methods get 404 or 405, unknown paths 404);
// set the Server header with its middleware, or in each handler.
//
// ADAPT: the handlers are stdhttp's, of net/http's shape (http.HandlerFunc
// writing through http.ResponseWriter). A framework that routes to plain
// net/http handlers (chi is one) keeps them. Otherwise replace them by
// handlers of hertz's own signature that read the queries and count
// parameters with its API and answer through its own response methods:
// frameworks/internal/stdhttp/stdhttp.go shows what each one sends (headers,
// status, body, and a failure's status and body from svc.ReportFailure), and
// frameworks/gin and frameworks/echo show the same written with a
// framework's own API.
func newHandler(svc *tfb.Service) http.Handler {
	h := stdhttp.New(svc)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /plaintext", h.Plaintext)
	mux.HandleFunc("GET /json", h.JSON)
	mux.HandleFunc("GET /db", h.DB)
	mux.HandleFunc("GET /queries", h.Queries)
	mux.HandleFunc("GET /updates", h.Updates)
	mux.HandleFunc("GET /fortunes", h.Fortunes)
	mux.HandleFunc("GET /cached-queries", h.CachedQueries)
	return stdhttp.ServerHeader("hertz")(mux)
}
