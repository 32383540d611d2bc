// Package benchtest measures an entry in process: each test type's request
// goes through the entry's own router and handlers, with a real database
// behind the database types, so that a change to an entry or to package tfb
// shows its effect in ns/op, B/op and allocs/op.
//
// It leaves out the network and the HTTP server's connection handling,
// which the toolset's wrk runs measure.
package benchtest

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-tfb/suite/frameworks/internal/tfb"
	"github.com/go-tfb/suite/toolset/fixture"
)

// Entry is an entry's request handling as the benchmarks drive it.
type Entry interface {
	// Get serves GET path and returns the response's status code.
	Get(path string) int
}

// Request is one benchmarked request: a test type and the path TFB asks.
type Request struct {
	Type     string
	Path     string
	Database bool // whether it needs the database
}

// Requests lists a request per test type; query and update ask for 20
// rows, TFB's usual middle level, cached queries for 100, the level TFB
// ranks them at.
var Requests = []Request{
	{"plaintext", "/plaintext", false},
	{"json", "/json", false},
	{"db", "/db", true},
	{"query", "/queries?queries=20", true},
	{"fortune", "/fortunes", true},
	{"update", "/updates?queries=20", true},
	{"cached_query", "/cached-queries?count=100", true},
}

// Run benchmarks every request of Requests as a sub-benchmark named after
// its test type. newEntry builds the entry around a Service connected to a
// fixture database (see package fixture).
func Run(b *testing.B, newEntry func(*tfb.Service) Entry) {
	svc := connected(b)
	e := newEntry(svc)
	for _, r := range Requests {
		b.Run(r.Type, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if status := e.Get(r.Path); status != http.StatusOK {
					b.Fatalf("GET %s: status %d", r.Path, status)
				}
			}
		})
	}
}

// CheckAllocs fails the test when a request that needs no database
// allocates more per request, on average, than its budget (by test type).
// Allocation counts do not depend on the machine's speed or load.
func CheckAllocs(t *testing.T, newEntry func(*tfb.Service) Entry, budget map[string]float64) {
	t.Helper()
	for typ, got := range Allocs(t, newEntry) {
		want, ok := budget[typ]
		if !ok {
			t.Errorf("%s: %.1f allocs/request and no budget written down", typ, got)
			continue
		}
		if got > want {
			t.Errorf("%s: %.1f allocs/request, over its budget of %.0f", typ, got, want)
		}
		t.Logf("%s: %.1f allocs/request (budget %.0f)", typ, got, want)
	}
}

// Allocs returns the average number of allocations of one request for each
// request that needs no database, served by an entry whose Service has no
// database at all.
func Allocs(t *testing.T, newEntry func(*tfb.Service) Entry) map[string]float64 {
	svc, err := tfb.New("postgres://nobody@127.0.0.1:1/none?connect_timeout=1", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	e := newEntry(svc)
	allocs := map[string]float64{}
	for _, r := range Requests {
		if r.Database {
			continue
		}
		if status := e.Get(r.Path); status != http.StatusOK {
			t.Fatalf("GET %s: status %d", r.Path, status)
		}
		allocs[r.Type] = testing.AllocsPerRun(1000, func() { e.Get(r.Path) })
	}
	return allocs
}

// connected returns a Service on a fresh fixture database, both closed
// when the benchmark ends.
func connected(b *testing.B) *tfb.Service {
	b.Helper()
	db := fixture.ForTest(b)
	svc, err := tfb.New(db.URL, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(svc.Close)
	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
	defer cancel()
	if err := svc.WaitReady(ctx); err != nil {
		b.Fatalf("the service did not reach the fixture database within 30s: %v", err)
	}
	return svc
}

// HTTP drives an http.Handler (net/http, Gin, Echo) with reused requests
// and a response writer that discards the body, so that what is measured is
// the handler's own work.
func HTTP(h http.Handler) Entry {
	return &httpEntry{h: h, reqs: map[string]*http.Request{}, w: &discardWriter{header: http.Header{}}}
}

type httpEntry struct {
	h    http.Handler
	reqs map[string]*http.Request
	w    *discardWriter
}

func (e *httpEntry) Get(path string) int {
	r, ok := e.reqs[path]
	if !ok {
		r = httptest.NewRequest(http.MethodGet, path, nil)
		e.reqs[path] = r
	}
	clear(e.w.header)
	e.w.status = 0
	e.h.ServeHTTP(e.w, r)
	if e.w.status == 0 {
		return http.StatusOK
	}
	return e.w.status
}

type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(p), nil
}

// WriteString is there because net/http's own ResponseWriter has it.
func (w *discardWriter) WriteString(s string) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(s), nil
}
