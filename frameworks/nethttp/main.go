// Command nethttp serves the TFB test types with Go's standard library:
// http.ServeMux routes, http.ResponseWriter answers.
package main

import (
	"io"
	"net/http"

	"github.com/goccy/go-json"

	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func main() {
	tfb.Run("nethttp", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return cfg.HTTPServer(newHandler(svc))
	})
}

// newHandler routes the test types to svc.
func newHandler(svc *tfb.Service) http.Handler {
	h := &handlers{svc: svc}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /plaintext", h.plaintext)
	mux.HandleFunc("GET /json", h.json)
	mux.HandleFunc("GET /db", h.db)
	mux.HandleFunc("GET /queries", h.queries)
	mux.HandleFunc("GET /updates", h.updates)
	mux.HandleFunc("GET /fortunes", h.fortunes)
	mux.HandleFunc("GET /cached-queries", h.cachedQueries)
	return serverHeader(mux)
}

// Header values, shared by every response rather than allocated for each:
// net/http only reads them.
var (
	serverName      = []string{"net/http"}
	textPlain       = []string{"text/plain"}
	applicationJSON = []string{"application/json"}
	textHTML        = []string{"text/html; charset=utf-8"}
)

// serverHeader sets the Server header on every response.
func serverHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Server"] = serverName
		next.ServeHTTP(w, r)
	})
}

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
