package main

import (
	"context"
	"testing"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/route"

	"github.com/go-tfb/suite/frameworks/internal/benchtest"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

// hertzEntry drives Hertz's engine with one reused request context.
type hertzEntry struct {
	engine *route.Engine
	c      *app.RequestContext
}

func (e *hertzEntry) Get(path string) int {
	e.c.Reset()
	e.c.Request.SetRequestURI(path)
	e.c.Request.Header.SetMethod("GET")
	e.engine.ServeHTTP(context.Background(), e.c)
	return e.c.Response.StatusCode()
}

func newEntry(svc *tfb.Service) benchtest.Entry {
	h := newHertz(svc, tfb.Config{}, tfb.Config{}.NewRequestWatch())
	return &hertzEntry{engine: h.Engine, c: h.Engine.NewContext()}
}

func BenchmarkTestTypes(b *testing.B) { benchtest.Run(b, newEntry) }

// allocBudget is how many allocations one request may make, on average,
// in the entry's own handling (see package benchtest).
// Engine.ServeHTTP copies the request's path into a string to look the
// route up (1); json also boxes its render.JSONRender into Render's
// interface (1) and allocates the body goccy's json.Marshal returns (1).
var allocBudget = map[string]float64{"plaintext": 1, "json": 3}

func TestAllocationBudget(t *testing.T) { benchtest.CheckAllocs(t, newEntry, allocBudget) }

// FuzzRequestPath checks that no request path panics the entry or gets a
// handler 5xx (see benchtest.FuzzPaths).
func FuzzRequestPath(f *testing.F) { benchtest.FuzzPaths(f, newEntry) }
