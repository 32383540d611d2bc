// Command chi serves the TFB test types with chi (github.com/go-chi/chi/v5):
// chi.Mux routes and runs the middleware; handlers are plain net/http
// handlers, chi's own idiom, and answer through http.ResponseWriter.
package main

import (
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/goccy/go-json"

	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func main() {
	tfb.Run("chi", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return cfg.HTTPServer(newRouter(svc))
	})
}

// newRouter routes the test types to svc. chi answers other methods on these
// paths with 405 and unknown paths with 404.
func newRouter(svc *tfb.Service) *chi.Mux {
	h := &handlers{svc: svc}
	r := chi.NewRouter()
	r.Use(serverHeader)
	r.Get("/plaintext", h.plaintext)
	r.Get("/json", h.json)
	r.Get("/db", h.db)
	r.Get("/queries", h.queries)
	r.Get("/updates", h.updates)
	r.Get("/fortunes", h.fortunes)
	r.Get("/cached-queries", h.cachedQueries)
	return r
}

// Header values, shared by every response rather than allocated for each:
// net/http only reads them.
var (
	serverName      = []string{"chi"}
	textPlain       = []string{"text/plain"}
	applicationJSON = []string{"application/json"}
	textHTML        = []string{"text/html; charset=utf-8"}
)

// serverHeader is chi middleware that sets the Server header on every
// response, the 404 and 405 answers included.
func serverHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Server"] = serverName
		next.ServeHTTP(w, r)
	})
}

// handlers answer the test types. The queries and count parameters are
// query strings, not path parameters, so they are read with net/http's
// r.URL.Query(), as chi's own examples do.
type handlers struct {
	svc *tfb.Service
}

func (h *handlers) plaintext(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = textPlain
	io.WriteString(w, tfb.HelloWorld)
}

func (h *handlers) json(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, tfb.Message{Message: tfb.HelloWorld})
}

func (h *handlers) db(w http.ResponseWriter, r *http.Request) {
	world, err := h.svc.World(r.Context())
	h.respond(w, world, err)
}

func (h *handlers) queries(w http.ResponseWriter, r *http.Request) {
	worlds, err := h.svc.Worlds(r.Context(), tfb.QueryCount(r.URL.Query().Get("queries")))
	h.respond(w, worlds, err)
}

func (h *handlers) updates(w http.ResponseWriter, r *http.Request) {
	worlds, err := h.svc.UpdatedWorlds(r.Context(), tfb.QueryCount(r.URL.Query().Get("queries")))
	h.respond(w, worlds, err)
}

func (h *handlers) cachedQueries(w http.ResponseWriter, r *http.Request) {
	worlds, err := h.svc.CachedWorlds(r.Context(), tfb.QueryCount(r.URL.Query().Get("count")))
	h.respond(w, worlds, err)
}

func (h *handlers) fortunes(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = textHTML
	if err := h.svc.Fortunes(r.Context(), w); err != nil {
		h.fail(w, err)
	}
}

// respond writes v as JSON, or the error's status and short body.
func (h *handlers) respond(w http.ResponseWriter, v any, err error) {
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, v)
}

func (h *handlers) fail(w http.ResponseWriter, err error) {
	status, body := h.svc.ReportFailure(err)
	http.Error(w, body, status)
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode JSON", http.StatusInternalServerError)
		return
	}
	w.Header()["Content-Type"] = applicationJSON
	w.Write(body)
}
