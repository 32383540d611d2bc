package runs

import (
	"slices"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/stats"
)

// Overhead is what an entry's framework costs over the entry it runs on
// (its platform entry: nethttp under gin, fasthttp under fiber) in one
// test type, from both entries' best levels in one run.
type Overhead struct {
	Entry, Platform string
	// Missing says the run has no measurement of the type for the
	// platform entry: the rest is zero.
	Missing bool
	// Ratio is the entry's median requests per second over the platform
	// entry's; Min and Max its range over the repeats (the entry's slowest
	// over the platform's fastest, and the reverse).
	Ratio, Min, Max float64
	// Verdict is the entry's repeats against the platform's by stats.Rule:
	// Slower when the framework's cost is beyond the noise.
	Verdict stats.Verdict
	// CPU is the entry's server CPU per request over the platform entry's;
	// nil when either was not recorded.
	CPU *float64
}

// Overheads lists, for tt, each entry the run measured that has a platform
// entry (results.Document.Platforms), in the run's order.
func (r Run) Overheads(tt config.TestType) []Overhead {
	var out []Overhead
	for _, entry := range r.Doc.Frameworks {
		platform, ok := r.Doc.Platforms[entry]
		if !ok {
			continue
		}
		e, ok := r.Best(tt, entry)
		if !ok {
			continue
		}
		o := Overhead{Entry: entry, Platform: platform}
		p, ok := r.Best(tt, platform)
		if !ok {
			o.Missing = true
			out = append(out, o)
			continue
		}
		o.Ratio = ratio(e.Summary.Median, p.Summary.Median)
		o.Min = ratio(slices.Min(e.RPS), slices.Max(p.RPS))
		o.Max = ratio(slices.Max(e.RPS), slices.Min(p.RPS))
		o.Verdict = stats.Compare(p.RPS, e.RPS)
		if e.Cost.Server != nil && p.Cost.Server != nil && *p.Cost.Server > 0 {
			cpu := *e.Cost.Server / *p.Cost.Server
			o.CPU = &cpu
		}
		out = append(out, o)
	}
	return out
}
