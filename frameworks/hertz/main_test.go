package main

import (
	"testing"

	"github.com/go-tfb/suite/frameworks/internal/benchtest"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

// ADAPT: benchtest.HTTP drives an http.Handler; a framework with its own
// server (fasthttp-based ones) needs an Entry of its own, as frameworks/fiber
// has.
func newEntry(svc *tfb.Service) benchtest.Entry { return benchtest.HTTP(newHandler(svc)) }

func BenchmarkTestTypes(b *testing.B) { benchtest.Run(b, newEntry) }

// allocBudget is how many allocations one request may make, on average,
// in the entry's own handling (see package benchtest).
// ADAPT: these are the net/http figures the scaffold starts from; after
// adapting, set the framework's own and say where each allocation comes from.
var allocBudget = map[string]float64{"plaintext": 0, "json": 1}

func TestAllocationBudget(t *testing.T) { benchtest.CheckAllocs(t, newEntry, allocBudget) }

// FuzzRequestPath checks that no request path panics the entry or gets a
// handler 5xx (see benchtest.FuzzPaths).
func FuzzRequestPath(f *testing.F) { benchtest.FuzzPaths(f, newEntry) }
