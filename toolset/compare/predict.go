package compare

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/round20"
	"github.com/go-tfb/suite/toolset/stats"
	"github.com/go-tfb/suite/toolset/table"
)

// Round20Prediction is what a test type's local costs predict for Round
// 20's application machine (28 hardware threads), where this machine has
// too few cores to run it. Each entry's requests per local server
// CPU-second become Round 20's through a machine factor, calibrated on the
// run's own entries that Round 20 measured, and are multiplied by the
// hardware threads that machine kept busy:
//
//	predicted req/s = local req/CPU-s ÷ Factor × BusyThreads
//
// It models a server bound by its CPU on many cores; where Round 20 was
// bound by something else (the 10-gigabit link, wrk, the database) or an
// entry scales worse than its cost per request says, predicted and
// published differ, and the calibrated entries' Check says by how much.
type Round20Prediction struct {
	// CalibratedOn are the entries whose figures set Factor and
	// BusyThreads: the run's tests of a FrameworkBenchmarks tree (tfb-X)
	// that Round 20 measured, when there are any (the same programs on
	// both machines), else every entry with a Round 20 counterpart.
	CalibratedOn []string `json:"calibratedOn"`
	// SameProgram is whether CalibratedOn are tests of a FrameworkBenchmarks
	// tree rather than this suite's entries set beside Round 20's tests.
	SameProgram bool `json:"sameProgram"`
	// Factor is the median over CalibratedOn of local requests per server
	// CPU-second over Round 20's requests per busy hardware-thread second.
	Factor float64 `json:"factor"`
	// BusyThreads is the median over CalibratedOn of the hardware threads
	// Round 20's application machine kept busy (its CPU share × 28).
	BusyThreads float64 `json:"busyThreads"`
	// Round20Fastest is the fastest Round 20 Go test of the type and its
	// rate: a prediction above it says that something other than a server's
	// CPU bounded the top of that round.
	Round20Fastest    string          `json:"round20Fastest"`
	Round20FastestRPS float64         `json:"round20FastestRps"`
	Rows              []PredictionRow `json:"rows"`
}

// PredictionRow is one entry's predicted rate on Round 20's machine.
type PredictionRow struct {
	Entry                           string  `json:"entry"`
	LocalRequestsPerServerCPUSecond float64 `json:"localRequestsPerServerCpuSecond"`
	PredictedRPS                    float64 `json:"predictedRps"`
	// Round20Test and Round20RPS are the entry's Round 20 counterpart and
	// its published rate; empty when it has none.
	Round20Test string  `json:"round20Test,omitempty"`
	Round20RPS  float64 `json:"round20Rps,omitempty"`
	// Calibration is set for an entry of CalibratedOn. Its Check is
	// predicted over published with the entry itself left out of the
	// calibration: the model's error on a program Round 20 ran. For another
	// entry with a counterpart, Check is how its prediction compares with a
	// different program's published rate. Absent when there is nothing to
	// divide by, or no other entry to calibrate on.
	Calibration bool     `json:"calibration,omitempty"`
	Check       *float64 `json:"check,omitempty"`
	// BeyondRound20 is set when PredictedRPS is above Round20FastestRPS.
	BeyondRound20 bool `json:"beyondRound20,omitempty"`
}

// calibrationPoint is one entry's pair of efficiencies and Round 20's busy
// threads for it.
type calibrationPoint struct {
	entry       string
	factor      float64 // local req/CPU-s ÷ Round 20 req/CPU-s
	busyThreads float64
}

// predictRound20 predicts t's entries on Round 20's machine from rows (the
// comparison's rows of t) and every entry's local cost. It returns nil when
// no entry has both a local and a Round 20 CPU figure to calibrate on.
func predictRound20(data round20.Data, tt config.TestType, rows []Round20Row) *Round20Prediction {
	var suite, tfb []calibrationPoint
	for _, r := range rows {
		res, ok := data.Tests[r.Round20Test].Result(tt)
		if !ok || r.LocalRequestsPerServerCPUSecond == nil || r.Round20RequestsPerCPUSecond == nil {
			continue
		}
		p := calibrationPoint{r.Entry, *r.LocalRequestsPerServerCPUSecond / *r.Round20RequestsPerCPUSecond, res.AppMachineCPUPercent / 100 * round20.AppMachineThreads}
		if strings.HasPrefix(r.Entry, config.TFBPrefix) {
			tfb = append(tfb, p)
		} else {
			suite = append(suite, p)
		}
	}
	points, same := tfb, true
	if len(points) == 0 {
		points, same = suite, false
	}
	if len(points) == 0 {
		return nil
	}
	factor, busy := calibrate(points, "")
	p := &Round20Prediction{SameProgram: same, Factor: factor, BusyThreads: busy}
	for _, c := range points {
		p.CalibratedOn = append(p.CalibratedOn, c.entry)
	}
	slices.Sort(p.CalibratedOn)
	for name, test := range data.Tests {
		if res, ok := test.Result(tt); ok && (res.PublishedRPS > p.Round20FastestRPS || res.PublishedRPS == p.Round20FastestRPS && name < p.Round20Fastest) {
			p.Round20Fastest, p.Round20FastestRPS = name, res.PublishedRPS
		}
	}
	for _, r := range rows {
		if r.LocalRequestsPerServerCPUSecond == nil {
			continue
		}
		local := *r.LocalRequestsPerServerCPUSecond
		row := PredictionRow{
			Entry:                           r.Entry,
			LocalRequestsPerServerCPUSecond: local,
			PredictedRPS:                    local / factor * busy,
			Round20Test:                     r.Round20Test,
			Round20RPS:                      r.Round20RPS,
			Calibration:                     slices.Contains(p.CalibratedOn, r.Entry),
		}
		row.BeyondRound20 = row.PredictedRPS > p.Round20FastestRPS
		switch {
		case r.Round20RPS <= 0:
		case row.Calibration && len(points) > 1:
			f, b := calibrate(points, r.Entry)
			v := local / f * b / r.Round20RPS
			row.Check = &v
		case !row.Calibration:
			v := row.PredictedRPS / r.Round20RPS
			row.Check = &v
		}
		p.Rows = append(p.Rows, row)
	}
	slices.SortStableFunc(p.Rows, func(a, b PredictionRow) int {
		switch {
		case a.PredictedRPS > b.PredictedRPS:
			return -1
		case a.PredictedRPS < b.PredictedRPS:
			return 1
		}
		return strings.Compare(a.Entry, b.Entry)
	})
	return p
}

// calibrate returns the median factor and busy threads of points, leaving
// out the entry named leaveOut ("" for none).
func calibrate(points []calibrationPoint, leaveOut string) (factor, busy float64) {
	var fs, bs []float64
	for _, p := range points {
		if p.entry != leaveOut {
			fs, bs = append(fs, p.factor), append(bs, p.busyThreads)
		}
	}
	return stats.Median(fs), stats.Median(bs)
}

// predictionTable renders a type's prediction.
func predictionTable(typ string, p *Round20Prediction) table.Table {
	tab := table.Table{
		Title:   typ + ": predicted on Round 20's application machine",
		Caption: "predicted req/s = local req/CPU-s ÷ factor × busy threads",
		Headers: []string{"entry", "local req/CPU-s", "predicted req/s", "Round 20 req/s", "predicted ÷ R20"},
		Right:   []bool{false, true, true, true, true},
	}
	for _, r := range p.Rows {
		r20, check := "—", "—"
		if r.Round20RPS > 0 {
			r20 = fmt.Sprintf("%s (%s)", table.Rate(r.Round20RPS), r.Round20Test)
		}
		checkCell := table.Cell{Text: check}
		if r.Check != nil {
			checkCell.Text = ratio(*r.Check)
			if r.Calibration {
				checkCell.Text += " (left out)"
				if *r.Check < 0.8 || *r.Check > 1.25 {
					checkCell.Tone = table.Bad
				}
			}
		}
		predicted := table.Cell{Text: table.Rate(r.PredictedRPS)}
		if r.BeyondRound20 {
			predicted.Text += " *"
		}
		tab.Rows = append(tab.Rows, []table.Cell{{Text: r.Entry}, {Text: table.Rate(r.LocalRequestsPerServerCPUSecond)}, predicted, {Text: r20}, checkCell})
	}
	on := "this suite's entries beside Round 20's tests (different programs: add a FrameworkBenchmarks checkout's tests with --tfb-repo to calibrate on the same programs)"
	if p.SameProgram {
		on = "the tests of a FrameworkBenchmarks tree, the same programs on both machines"
	}
	tab.Notes = append(tab.Notes,
		fmt.Sprintf("Calibrated on %s: %s. Factor %.2f: the median of their local req/CPU-s over Round 20's req/CPU-s; busy threads %.1f of %d: the median of the CPU Round 20's machine gave them.", strings.Join(p.CalibratedOn, ", "), on, p.Factor, p.BusyThreads, round20.AppMachineThreads),
		"predicted ÷ R20: for a calibration entry, its prediction with itself left out of the calibration over its own published rate, the model's error on a program Round 20 ran (marked when off by more than 25%); for another entry, its prediction over its Round 20 counterpart's rate, a different program.",
		"The model takes a server bound by its CPU whose cost per request stays what it is here on 28 hardware threads; a scheduler, lock or cache that scales worse, and hyperthreads, show up as a left-out ratio below 1.")
	for _, r := range p.Rows {
		if r.BeyondRound20 {
			tab.Notes = append(tab.Notes, fmt.Sprintf("* above Round 20's fastest Go test of the type, %s at %s req/s: what bounded the top of that round (the 10-gigabit link, wrk, the database) was not a server's CPU, so expect no more than that.", p.Round20Fastest, table.Rate(p.Round20FastestRPS)))
			break
		}
	}
	return tab
}
