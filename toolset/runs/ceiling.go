package runs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/stats"
)

// CeilingTypes are the test types tfb ceiling loads: /json gives an entry's
// own cost of a request, /db and /fortunes are judged against it, and /json
// and /plaintext against the reference server's.
var CeilingTypes = []config.TestType{config.JSON, config.Plaintext, config.DB, config.Fortune}

// Ceiling is the highest rate of a request that costs what /json costs plus
// one query at PostgreSQL's best rate for it: 1 / (1/json + 1/queryBest),
// json in requests and queryBest in queries per second. It is 0 when either
// is not positive (not measured).
func Ceiling(json, queryBest float64) float64 {
	if json <= 0 || queryBest <= 0 {
		return 0
	}
	return 1 / (1/json + 1/queryBest)
}

// CeilingRow is one entry of a tfb ceiling run: its /json, /db and
// /fortunes rates (the median at the best level) and the ceilings of the
// last two.
type CeilingRow struct {
	Entry          string
	JSON           float64 // requests per second
	Plaintext      float64
	DB             float64
	Fortune        float64
	DBCeiling      float64 // Ceiling(JSON, the world select's best)
	FortuneCeiling float64 // Ceiling(JSON, the fortune select's best)
	// ReferenceJSON and ReferencePlaintext are the reference server's
	// rates (Reference), 0 when it was not measured.
	ReferenceJSON, ReferencePlaintext float64
	// JSONShares and PlaintextShares hold, when the run measured every
	// level more than once (--repeat) and the entry and the reference
	// server as often, each pass's rate over the reference server's rate
	// in the same pass, in run order; nil otherwise.
	JSONShares, PlaintextShares []float64
	// Error says why the entry was not (wholly) measured: a build or start
	// failure, a type that failed verification or was not measured, or
	// failed requests; empty when all went well.
	Error string
	// Lacks names the ceiling's test types the entry does not implement
	// (a FrameworkBenchmarks test may serve plaintext alone): their rates
	// are 0, and that is no failure.
	Lacks []config.TestType
}

// Has reports whether the entry implements tt.
func (c CeilingRow) Has(tt config.TestType) bool { return !slices.Contains(c.Lacks, tt) }

// DBRatio is the entry's /db rate over its /db ceiling; 0 without a ceiling.
func (c CeilingRow) DBRatio() float64 { return ratio(c.DB, c.DBCeiling) }

// FortuneRatio is the entry's /fortunes rate over its /fortunes ceiling.
func (c CeilingRow) FortuneRatio() float64 { return ratio(c.Fortune, c.FortuneCeiling) }

// JSONShare is the entry's /json rate over the reference server's: the
// median of JSONShares when the run paired passes, else the ratio of the
// two rates.
func (c CeilingRow) JSONShare() float64 { return share(c.JSONShares, c.JSON, c.ReferenceJSON) }

// PlaintextShare is the entry's /plaintext rate over the reference
// server's, as JSONShare.
func (c CeilingRow) PlaintextShare() float64 {
	return share(c.PlaintextShares, c.Plaintext, c.ReferencePlaintext)
}

func share(perPass []float64, rate, reference float64) float64 {
	if len(perPass) > 0 {
		return stats.Median(perPass)
	}
	return ratio(rate, reference)
}

// passShares pairs the passes of an entry's level with the reference
// server's: pass i's rate over the reference's pass i. nil unless both
// have the same number of passes, more than one, all measured.
func passShares(rates, reference []float64) []float64 {
	if len(rates) < 2 || len(rates) != len(reference) {
		return nil
	}
	out := make([]float64, len(rates))
	for i := range rates {
		if reference[i] <= 0 {
			return nil
		}
		out[i] = rates[i] / reference[i]
	}
	return out
}

func ratio(rate, ceiling float64) float64 {
	if ceiling == 0 {
		return 0
	}
	return rate / ceiling
}

// Ceilings returns the run's entries beside the machine's ceiling, in the
// run's order; false when the run is not tfb ceiling's.
func (r Run) Ceilings() ([]CeilingRow, bool) {
	c := r.Doc.Ceiling
	if c == nil {
		return nil, false
	}
	ref, _ := r.Reference()
	var rows []CeilingRow
	for _, entry := range r.Doc.Frameworks {
		if entry == c.Reference {
			continue
		}
		row := CeilingRow{Entry: entry, ReferenceJSON: ref.JSON, ReferencePlaintext: ref.Plaintext}
		var problems []string
		var jsonPasses, plaintextPasses []float64
		rate := func(tt config.TestType) (float64, []float64) {
			if !r.implements(tt, entry) {
				row.Lacks = append(row.Lacks, tt)
				return 0, nil
			}
			return r.ceilingRate(tt, entry, &problems)
		}
		row.JSON, jsonPasses = rate(config.JSON)
		row.DB, _ = rate(config.DB)
		row.Fortune, _ = rate(config.Fortune)
		// Ceiling runs before the reference server loaded no /plaintext.
		if len(r.Doc.RawData[string(config.Plaintext)]) > 0 || c.Reference != "" {
			row.Plaintext, plaintextPasses = rate(config.Plaintext)
		}
		row.JSONShares = passShares(jsonPasses, ref.JSONPasses)
		row.PlaintextShares = passShares(plaintextPasses, ref.PlaintextPasses)
		row.DBCeiling = Ceiling(row.JSON, c.WorldSweep.Best.QueriesPerSecond)
		row.FortuneCeiling = Ceiling(row.JSON, c.FortuneSweep.Best.QueriesPerSecond)
		row.Error = strings.Join(problems, "; ")
		if msg, failed := results.CompletedError(r.Doc.Completed[entry]); failed {
			row.Error = msg // the entry did not build or start: nothing else matters
		}
		rows = append(rows, row)
	}
	return rows, true
}

// implements reports whether entry of a run that started it implements
// tt: the run verified or measured it, or counts it among the type's
// successes or failures. An entry that did not start implements every
// type, so that its rows say why nothing was measured.
func (r Run) implements(tt config.TestType, entry string) bool {
	if _, failed := results.CompletedError(r.Doc.Completed[entry]); failed || r.Doc.Completed[entry] == "" {
		return true
	}
	if _, measured := r.Best(tt, entry); measured {
		return true
	}
	d := r.Doc
	return d.Verify[entry][string(tt)] != "" || slices.Contains(d.Succeeded[string(tt)], entry) || slices.Contains(d.Failed[string(tt)], entry)
}

// ceilingRate is the median rate of entry's best level of tt, with the
// rate of each of its passes in run order; 0 and nil when it has none.
// What went wrong is added to problems.
func (r Run) ceilingRate(tt config.TestType, entry string, problems *[]string) (float64, []float64) {
	best, ok := r.Best(tt, entry)
	if !ok {
		*problems = append(*problems, fmt.Sprintf("%s: %s", tt, r.whyNotMeasured(tt, entry)))
		return 0, nil
	}
	if bad := best.Median.Errors(); bad > 0 {
		*problems = append(*problems, fmt.Sprintf("%s: %d failed requests", tt, bad))
	}
	return best.Summary.Median, best.RPS
}

// ReferenceRates are the reference server's rates in a tfb ceiling run.
type ReferenceRates struct {
	Name            string
	JSON, Plaintext float64 // requests per second, the median at the best level
	// JSONPasses and PlaintextPasses are the rate of each pass at that
	// level, in run order.
	JSONPasses, PlaintextPasses []float64
	// Error says why it was not (wholly) measured, as CeilingRow.Error.
	Error string
}

// Reference returns the run's reference server (results.Ceiling.Reference)
// and its rates; false when the run measured none.
func (r Run) Reference() (ReferenceRates, bool) {
	c := r.Doc.Ceiling
	if c == nil || c.Reference == "" {
		return ReferenceRates{}, false
	}
	ref := ReferenceRates{Name: c.Reference}
	var problems []string
	ref.JSON, ref.JSONPasses = r.ceilingRate(config.JSON, ref.Name, &problems)
	ref.Plaintext, ref.PlaintextPasses = r.ceilingRate(config.Plaintext, ref.Name, &problems)
	ref.Error = strings.Join(problems, "; ")
	if msg, failed := results.CompletedError(r.Doc.Completed[ref.Name]); failed {
		ref.Error = msg
	}
	return ref, true
}

// whyNotMeasured says why an entry has no level of tt.
func (r Run) whyNotMeasured(tt config.TestType, entry string) string {
	if r.Doc.Verify[entry][string(tt)] == "fail" {
		return "verification failed"
	}
	return "not measured"
}
