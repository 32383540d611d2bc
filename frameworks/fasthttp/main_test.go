package main

import (
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/go-tfb/suite/frameworks/internal/benchtest"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

// fasthttpEntry drives the server's handler with one reused request context.
type fasthttpEntry struct {
	handler fasthttp.RequestHandler
	ctx     fasthttp.RequestCtx
}

func (e *fasthttpEntry) Get(path string) int {
	e.ctx.Request.Reset()
	e.ctx.Response.Reset()
	e.ctx.Request.SetRequestURI(path)
	e.handler(&e.ctx)
	return e.ctx.Response.StatusCode()
}

func newEntry(svc *tfb.Service) benchtest.Entry {
	return &fasthttpEntry{handler: newServer(svc).Handler}
}

func BenchmarkTestTypes(b *testing.B) { benchtest.Run(b, newEntry) }

// allocBudget is how many allocations one request may make, on average,
// in the entry's own handling (see package benchtest).
// Neither allocates: json is encoded into the response's own buffer.
var allocBudget = map[string]float64{"plaintext": 0, "json": 0}

func TestAllocationBudget(t *testing.T) { benchtest.CheckAllocs(t, newEntry, allocBudget) }

// FuzzRequestPath checks that no request path panics the entry or gets a
// handler 5xx (see benchtest.FuzzPaths).
func FuzzRequestPath(f *testing.F) { benchtest.FuzzPaths(f, newEntry) }
