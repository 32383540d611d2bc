package main

import (
	"testing"

	"github.com/go-tfb/suite/frameworks/internal/benchtest"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func newEntry(svc *tfb.Service) benchtest.Entry { return benchtest.HTTP(newHandler(svc)) }

func BenchmarkTestTypes(b *testing.B) { benchtest.Run(b, newEntry) }

// allocBudget is how many allocations one request may make, on average,
// in the entry's own handling (see package benchtest).
// mux.Router.ServeHTTP allocates its RouteMatch (1), the route's Vars map
// (1) and the path regexp's match state (1), then stores the vars and the
// route in the request's context (context.WithValue twice, 2) and hands on
// r.WithContext's copies of the request (2); json also allocates the
// encoded body that json.Marshal returns.
var allocBudget = map[string]float64{"plaintext": 7, "json": 8}

func TestAllocationBudget(t *testing.T) { benchtest.CheckAllocs(t, newEntry, allocBudget) }

// FuzzRequestPath checks that no request path panics the entry or gets a
// handler 5xx (see benchtest.FuzzPaths).
func FuzzRequestPath(f *testing.F) { benchtest.FuzzPaths(f, newEntry) }
