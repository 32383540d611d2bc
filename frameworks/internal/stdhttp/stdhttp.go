// Package stdhttp answers the TFB test types with net/http's own API:
// handlers of the http.HandlerFunc shape that write through
// http.ResponseWriter. The entries whose framework routes to plain net/http
// handlers (net/http's ServeMux, chi) route to these, so that what differs
// between them is the router alone. A new entry made by `tfb new` starts by
// routing to them too, and its ADAPT comments point here as the model of
// what each handler sends.
package stdhttp

import (
	"io"
	"net/http"

	"github.com/goccy/go-json"

	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

// Header values, shared by every response rather than allocated for each:
// net/http only reads them.
var (
	textPlain       = []string{"text/plain"}
	applicationJSON = []string{"application/json"}
	textHTML        = []string{"text/html; charset=utf-8"}
)

// ServerHeader returns middleware that sets the Server header to name on
// every response.
func ServerHeader(name string) func(http.Handler) http.Handler {
	value := []string{name}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Server"] = value
			next.ServeHTTP(w, r)
		})
	}
}

// Handlers answer the test types from a tfb.Service. The queries and count
// parameters are read with r.URL.Query().
type Handlers struct {
	svc *tfb.Service
}

// New returns the handlers of svc.
func New(svc *tfb.Service) *Handlers { return &Handlers{svc: svc} }

// Plaintext answers /plaintext.
func (h *Handlers) Plaintext(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = textPlain
	io.WriteString(w, tfb.HelloWorld)
}

// JSON answers /json.
func (h *Handlers) JSON(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, tfb.Message{Message: tfb.HelloWorld})
}

// DB answers /db.
func (h *Handlers) DB(w http.ResponseWriter, r *http.Request) {
	world, err := h.svc.World(r.Context())
	h.respond(w, world, err)
}

// Queries answers /queries?queries=N.
func (h *Handlers) Queries(w http.ResponseWriter, r *http.Request) {
	worlds, err := h.svc.Worlds(r.Context(), tfb.QueryCount(r.URL.Query().Get("queries")))
	h.respond(w, worlds, err)
}

// Updates answers /updates?queries=N.
func (h *Handlers) Updates(w http.ResponseWriter, r *http.Request) {
	worlds, err := h.svc.UpdatedWorlds(r.Context(), tfb.QueryCount(r.URL.Query().Get("queries")))
	h.respond(w, worlds, err)
}

// CachedQueries answers /cached-queries?count=N.
func (h *Handlers) CachedQueries(w http.ResponseWriter, r *http.Request) {
	worlds, err := h.svc.CachedWorlds(r.Context(), tfb.QueryCount(r.URL.Query().Get("count")))
	h.respond(w, worlds, err)
}

// Fortunes answers /fortunes.
func (h *Handlers) Fortunes(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = textHTML
	if err := h.svc.Fortunes(r.Context(), w); err != nil {
		h.fail(w, err)
	}
}

// respond writes v as JSON, or the error's status and short body.
func (h *Handlers) respond(w http.ResponseWriter, v any, err error) {
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, v)
}

func (h *Handlers) fail(w http.ResponseWriter, err error) {
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
