package runs

import (
	"fmt"
	"strings"

	"github.com/go-tfb/suite/toolset/results"
)

// DisturbedShare is the share of the machine's CPU capacity (its cores over
// the level's measured time) that anything outside the three roles may take
// before a level counts as disturbed: its rate then tells of the machine as
// much as of the entry. On a quiet machine tfb itself, the kernel and the
// container engine take a few percent.
const DisturbedShare = 0.10

// Cost is what one request of a level cost, by role, from the level's
// median repeat. A figure is nil when its inputs were not recorded.
type Cost struct {
	// Server, Database and Client are CPU microseconds per request of the
	// entry, PostgreSQL and wrk; Other is that of everything else on the
	// machine.
	Server, Database, Client, Other *float64
	// ServerKernel, DatabaseKernel and ClientKernel are the parts of
	// Server, Database and Client spent in the kernel (system time).
	ServerKernel, DatabaseKernel, ClientKernel *float64
	// Queries is the statements PostgreSQL executed per request.
	Queries *float64
	// RequestsPerServerCPUSecond is requests over the entry's CPU seconds:
	// what the framework costs, whatever the machine has.
	RequestsPerServerCPUSecond *float64
	// OtherShare is the CPU taken outside the three roles as a share of the
	// machine's capacity during the level.
	OtherShare *float64
}

// CostOf computes the cost per request of level l on a machine of cores
// cores (0 when unknown).
func CostOf(l results.Level, cores int) Cost {
	var c Cost
	if l.TotalRequests <= 0 {
		return c
	}
	n := float64(l.TotalRequests)
	perRequest := func(seconds *float64) *float64 {
		if seconds == nil {
			return nil
		}
		v := *seconds * 1e6 / n
		return &v
	}
	c.Server, c.Database, c.Client = perRequest(l.ServerCPUSeconds), perRequest(l.DatabaseCPUSeconds), perRequest(l.ClientCPUSeconds)
	c.Other = perRequest(l.OtherCPUSeconds)
	c.ServerKernel, c.DatabaseKernel, c.ClientKernel = perRequest(l.ServerKernelCPUSeconds), perRequest(l.DatabaseKernelCPUSeconds), perRequest(l.ClientKernelCPUSeconds)
	if l.DatabaseQueries != nil {
		v := float64(*l.DatabaseQueries) / n
		c.Queries = &v
	}
	if l.ServerCPUSeconds != nil && *l.ServerCPUSeconds > 0 {
		v := n / *l.ServerCPUSeconds
		c.RequestsPerServerCPUSecond = &v
	}
	if l.OtherCPUSeconds != nil && l.MeasuredSeconds != nil && *l.MeasuredSeconds > 0 && cores > 0 {
		v := *l.OtherCPUSeconds / (*l.MeasuredSeconds * float64(cores))
		c.OtherShare = &v
	}
	return c
}

// Disturbed reports whether something outside the three roles took more
// than DisturbedShare of the machine during the level.
func (c Cost) Disturbed() bool { return c.OtherShare != nil && *c.OtherShare > DisturbedShare }

// Doubt says why a level's rate may not be the entry's own: wrk bound it,
// or the machine was busy with something else. Empty when neither.
type Doubt struct {
	// ClientBound counts the repeats in which wrk's threads used at least
	// 90% of their cores.
	ClientBound int
	// Disturbed counts the repeats in which other work took more than
	// DisturbedShare of the machine; MaxOtherShare is the largest share.
	Disturbed     int
	MaxOtherShare float64
	Repeats       int
}

// Any reports whether any repeat is in doubt.
func (d Doubt) Any() bool { return d.ClientBound > 0 || d.Disturbed > 0 }

// Mark is a short mark for a table cell: "client-bound", "disturbed" or
// both; empty when there is no doubt.
func (d Doubt) Mark() string {
	var marks []string
	if d.ClientBound > 0 {
		marks = append(marks, "client-bound")
	}
	if d.Disturbed > 0 {
		marks = append(marks, "disturbed")
	}
	return strings.Join(marks, ", ")
}

// Reason says in words why the level's rate is in doubt.
func (d Doubt) Reason() string {
	var parts []string
	if d.ClientBound > 0 {
		parts = append(parts, fmt.Sprintf("wrk used at least %.0f%% of its cores in %d of %d repeats (the rate is a bound on the client)", 100*results.ClientBoundShare, d.ClientBound, d.Repeats))
	}
	if d.Disturbed > 0 {
		parts = append(parts, fmt.Sprintf("other work took up to %.0f%% of the machine in %d of %d repeats (more than %.0f%%)", 100*d.MaxOtherShare, d.Disturbed, d.Repeats, 100*DisturbedShare))
	}
	return strings.Join(parts, "; ")
}

// doubtOf judges every repeat of a level on a machine of cores cores.
func doubtOf(reps []results.Level, cores int) Doubt {
	d := Doubt{Repeats: len(reps)}
	for _, l := range reps {
		if l.ClientBound != nil && *l.ClientBound {
			d.ClientBound++
		}
		if c := CostOf(l, cores); c.Disturbed() {
			d.Disturbed++
			d.MaxOtherShare = max(d.MaxOtherShare, *c.OtherShare)
		}
	}
	return d
}
