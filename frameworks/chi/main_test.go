package main

import (
	"testing"

	"github.com/go-tfb/suite/frameworks/internal/benchtest"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func newEntry(svc *tfb.Service) benchtest.Entry { return benchtest.HTTP(newRouter(svc)) }

func BenchmarkTestTypes(b *testing.B) { benchtest.Run(b, newEntry) }

// allocBudget is how many allocations one request may make, on average,
// in the entry's own handling (see package benchtest).
// chi.Mux.ServeHTTP stores its routing context in the request's context
// (context.WithValue, 1 allocation) and hands on r.WithContext's copy of the
// request (1 allocation); json also allocates the encoded body that
// json.Marshal returns.
var allocBudget = map[string]float64{"plaintext": 2, "json": 3}

func TestAllocationBudget(t *testing.T) { benchtest.CheckAllocs(t, newEntry, allocBudget) }

// FuzzRequestPath checks that no request path panics the entry or gets a
// handler 5xx (see benchtest.FuzzPaths).
func FuzzRequestPath(f *testing.F) { benchtest.FuzzPaths(f, newEntry) }
