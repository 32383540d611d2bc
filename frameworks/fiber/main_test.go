package main

import (
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/go-tfb/suite/frameworks/internal/benchtest"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

// fiberEntry drives Fiber's fasthttp handler with one reused request context.
type fiberEntry struct {
	handler fasthttp.RequestHandler
	ctx     fasthttp.RequestCtx
}

func (e *fiberEntry) Get(path string) int {
	e.ctx.Request.Reset()
	e.ctx.Response.Reset()
	e.ctx.Request.SetRequestURI(path)
	e.handler(&e.ctx)
	return e.ctx.Response.StatusCode()
}

func newEntry(svc *tfb.Service) benchtest.Entry {
	return &fiberEntry{handler: newApp(svc).Handler()}
}

func BenchmarkTestTypes(b *testing.B) { benchtest.Run(b, newEntry) }

// allocBudget is how many allocations one request may make, on average,
// in the entry's own handling (see package benchtest).
// plaintext allocates nothing; json allocates the encoded body that Fiber's
// JSONEncoder (goccy's json.Marshal) returns.
var allocBudget = map[string]float64{"plaintext": 0, "json": 1}

func TestAllocationBudget(t *testing.T) { benchtest.CheckAllocs(t, newEntry, allocBudget) }

// FuzzRequestPath checks that no request path panics the entry or gets a
// handler 5xx (see benchtest.FuzzPaths).
func FuzzRequestPath(f *testing.F) { benchtest.FuzzPaths(f, newEntry) }
