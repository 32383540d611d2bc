// Command mux serves the TFB test types with gorilla/mux
// (github.com/gorilla/mux) on net/http: mux.Router matches each route's path
// and method; the handlers are plain net/http handlers, gorilla/mux's own
// idiom: those of package stdhttp, which the nethttp entry routes to as
// well, so that the two differ by their router alone.
package main

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/go-tfb/suite/frameworks/internal/stdhttp"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func main() {
	tfb.Run("mux", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return cfg.HTTPServer(newHandler(svc))
	})
}

// newHandler routes the test types to svc. mux.Router answers other methods
// on these paths with 405 and unknown paths with 404. SkipClean keeps it
// from redirecting paths that are not clean to their clean form: it would
// send "GET *" and CONNECT's empty path to "/*" and "/" with a 301, where
// any other path than the seven is a 404. Its middleware (Use) runs on
// matched routes only, so the Server header is set around the router
// instead, on every response, those answers included.
func newHandler(svc *tfb.Service) http.Handler {
	h := stdhttp.New(svc)
	r := mux.NewRouter().SkipClean(true)
	r.HandleFunc("/plaintext", h.Plaintext).Methods(http.MethodGet)
	r.HandleFunc("/json", h.JSON).Methods(http.MethodGet)
	r.HandleFunc("/db", h.DB).Methods(http.MethodGet)
	r.HandleFunc("/queries", h.Queries).Methods(http.MethodGet)
	r.HandleFunc("/updates", h.Updates).Methods(http.MethodGet)
	r.HandleFunc("/fortunes", h.Fortunes).Methods(http.MethodGet)
	r.HandleFunc("/cached-queries", h.CachedQueries).Methods(http.MethodGet)
	return stdhttp.ServerHeader("mux")(r)
}
