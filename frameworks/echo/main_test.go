package main

import (
	"testing"

	"github.com/go-tfb/suite/frameworks/internal/benchtest"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func newEntry(svc *tfb.Service) benchtest.Entry { return benchtest.HTTP(newEcho(svc)) }

func BenchmarkTestTypes(b *testing.B) { benchtest.Run(b, newEntry) }

// allocBudget is how many allocations one request may make, on average,
// in the entry's own handling (see package benchtest).
// Echo's c.String and c.JSON set Content-Type with Header().Set, which
// allocates the value's slice (1 allocation); the JSON encoder writes
// straight to the response.
var allocBudget = map[string]float64{"plaintext": 1, "json": 1}

func TestAllocationBudget(t *testing.T) { benchtest.CheckAllocs(t, newEntry, allocBudget) }

// FuzzRequestPath checks that no request path panics the entry or gets a
// handler 5xx (see benchtest.FuzzPaths).
func FuzzRequestPath(f *testing.F) { benchtest.FuzzPaths(f, newEntry) }
