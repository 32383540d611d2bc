// Command httprouter serves the TFB test types with httprouter
// (github.com/julienschmidt/httprouter) on net/http: httprouter.Router
// looks each path up in its radix tree, one per method; the handlers are
// plain net/http handlers (registered with Router.HandlerFunc, as httprouter
// offers for them): those of package stdhttp, which the nethttp entry routes
// to as well, so that the two differ by their router alone.
package main

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"github.com/go-tfb/suite/frameworks/internal/stdhttp"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func main() {
	tfb.Run("httprouter", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return cfg.HTTPServer(newHandler(svc))
	})
}

// newHandler routes the test types to svc. httprouter.Router answers other
// methods on these paths with 405 and unknown paths with 404, and redirects
// a path that differs from a route by a trailing slash, its case or dot
// segments to the route. It has no middleware, so the Server header is set
// around the router, on every response, those answers included.
func newHandler(svc *tfb.Service) http.Handler {
	h := stdhttp.New(svc)
	r := httprouter.New()
	r.HandlerFunc(http.MethodGet, "/plaintext", h.Plaintext)
	r.HandlerFunc(http.MethodGet, "/json", h.JSON)
	r.HandlerFunc(http.MethodGet, "/db", h.DB)
	r.HandlerFunc(http.MethodGet, "/queries", h.Queries)
	r.HandlerFunc(http.MethodGet, "/updates", h.Updates)
	r.HandlerFunc(http.MethodGet, "/fortunes", h.Fortunes)
	r.HandlerFunc(http.MethodGet, "/cached-queries", h.CachedQueries)
	return stdhttp.ServerHeader("httprouter")(r)
}
