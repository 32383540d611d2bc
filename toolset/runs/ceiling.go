package runs

import (
	"fmt"
	"strings"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
)

// CeilingTypes are the test types tfb ceiling loads: /json gives an entry's
// own cost of a request, /db and /fortunes are judged against it.
var CeilingTypes = []config.TestType{config.JSON, config.DB, config.Fortune}

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
	DB             float64
	Fortune        float64
	DBCeiling      float64 // Ceiling(JSON, the world select's best)
	FortuneCeiling float64 // Ceiling(JSON, the fortune select's best)
	// Error says why the entry was not (wholly) measured: a build or start
	// failure, a type that failed verification or was not measured, or
	// failed requests; empty when all went well.
	Error string
}

// DBRatio is the entry's /db rate over its /db ceiling; 0 without a ceiling.
func (c CeilingRow) DBRatio() float64 { return ratio(c.DB, c.DBCeiling) }

// FortuneRatio is the entry's /fortunes rate over its /fortunes ceiling.
func (c CeilingRow) FortuneRatio() float64 { return ratio(c.Fortune, c.FortuneCeiling) }

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
	var rows []CeilingRow
	for _, entry := range r.Doc.Frameworks {
		row := CeilingRow{Entry: entry}
		var problems []string
		for _, m := range []struct {
			tt  config.TestType
			dst *float64
		}{{config.JSON, &row.JSON}, {config.DB, &row.DB}, {config.Fortune, &row.Fortune}} {
			best, ok := r.Best(m.tt, entry)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: %s", m.tt, r.whyNotMeasured(m.tt, entry)))
				continue
			}
			*m.dst = best.Summary.Median
			if bad := best.Median.Errors(); bad > 0 {
				problems = append(problems, fmt.Sprintf("%s: %d failed requests", m.tt, bad))
			}
		}
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

// whyNotMeasured says why an entry has no level of tt.
func (r Run) whyNotMeasured(tt config.TestType, entry string) string {
	if r.Doc.Verify[entry][string(tt)] == "fail" {
		return "verification failed"
	}
	return "not measured"
}
