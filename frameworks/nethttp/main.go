// Command nethttp serves the TFB test types with Go's standard library:
// http.ServeMux routes to the net/http handlers of package stdhttp, which
// answer through http.ResponseWriter.
package main

import (
	"net/http"

	"github.com/go-tfb/suite/frameworks/internal/stdhttp"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func main() {
	tfb.Run("nethttp", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return cfg.HTTPServer(newHandler(svc))
	})
}

// newHandler routes the test types to svc, with the Server header set on
// every response.
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
	return stdhttp.ServerHeader("net/http")(mux)
}
