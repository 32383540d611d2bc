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
// httprouter.Router looks the path up without allocating and calls the
// handler with the request as it came (it adds its Params to the context
// only for routes that have any): plaintext allocates nothing; json
// allocates the encoded body that json.Marshal returns.
var allocBudget = map[string]float64{"plaintext": 0, "json": 1}

func TestAllocationBudget(t *testing.T) { benchtest.CheckAllocs(t, newEntry, allocBudget) }

// FuzzRequestPath checks that no request path panics the entry or gets a
// handler 5xx (see benchtest.FuzzPaths).
func FuzzRequestPath(f *testing.F) { benchtest.FuzzPaths(f, newEntry) }
