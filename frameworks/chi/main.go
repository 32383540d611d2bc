// Command chi serves the TFB test types with chi (github.com/go-chi/chi/v5):
// chi.Mux routes and runs the middleware; the handlers are plain net/http
// handlers, chi's own idiom: those of package stdhttp, which the nethttp
// entry routes to as well, so that the two differ by their router alone.
package main

import (
	"github.com/go-chi/chi/v5"

	"github.com/go-tfb/suite/frameworks/internal/stdhttp"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func main() {
	tfb.Run("chi", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return cfg.HTTPServer(newRouter(svc))
	})
}

// newRouter routes the test types to svc. chi answers other methods on these
// paths with 405 and unknown paths with 404; its middleware sets the Server
// header on every response, those answers included.
func newRouter(svc *tfb.Service) *chi.Mux {
	h := stdhttp.New(svc)
	r := chi.NewRouter()
	r.Use(stdhttp.ServerHeader("chi"))
	r.Get("/plaintext", h.Plaintext)
	r.Get("/json", h.JSON)
	r.Get("/db", h.DB)
	r.Get("/queries", h.Queries)
	r.Get("/updates", h.Updates)
	r.Get("/fortunes", h.Fortunes)
	r.Get("/cached-queries", h.CachedQueries)
	return r
}
