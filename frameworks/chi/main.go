// Command chi serves the TFB test types with chi (github.com/go-chi/chi/v5).
//
// Made by `tfb new`: it starts as a net/http entry so that it compiles and
// passes the conformance suite at once. Adapt the places marked ADAPT to
// chi's own router and response API; keep the test-type logic in
// package tfb (frameworks/internal/tfb), which every entry shares.
package main

import (
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/goccy/go-json"

	"github.com/go-tfb/suite/frameworks/internal/tfb"

	// ADAPT: import chi under its own name and use it below; the
	// blank import only keeps the module required until then.
	_ "github.com/go-chi/chi/v5"
)

func main() {
	cfg, svc := tfb.Setup("chi")
	// ADAPT: start chi's server if it has its own; it must listen
	// on cfg.Addr().
	err := http.ListenAndServe(cfg.Addr(), newHandler(svc))
	slog.Error("server stopped", "err", err)
	os.Exit(1)
}

// newHandler routes the test types to svc.
//
// ADAPT: build chi's router here and register the seven routes
// with its API (GET only; other methods get 404 or 405, unknown paths 404).
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

// Header values, shared by every response rather than allocated for each.
var (
	serverName      = []string{"chi"}
	textPlain       = []string{"text/plain"}
	applicationJSON = []string{"application/json"}
	textHTML        = []string{"text/html; charset=utf-8"}
)

// serverHeader sets the Server header on every response.
//
// ADAPT: use chi's middleware, or set the header in each handler.
func serverHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Server"] = serverName
		next.ServeHTTP(w, r)
	})
}

// handlers answer the test types. ADAPT: give them chi's handler
// signature, read the queries/count parameter with its API and write the
// responses with its own response methods.
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
	status, body := h.svc.Error(err)
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
