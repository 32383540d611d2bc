package benchmark

import (
	"context"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/openloop"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/wrk"
)

// bestStep is the step of a type's fastest level in a pass, and its rate.
type bestStep struct {
	step Step
	rps  float64
}

// FixedRateMeasured carries one open-loop load of an entry and type at a
// fraction of its best rate (Runner.FixedRates). Err says why it gave no
// result; Result then holds only what it was asked.
type FixedRateMeasured struct {
	Entry  string
	Type   config.TestType
	Result results.FixedRate
	Err    error
	// Planned is the load and sleep time it took of the type's plan.
	Planned time.Duration
}

func (FixedRateMeasured) event() {}

// fixedRates loads the entry open loop at each of Runner.FixedRates times
// the rate of best, its fastest level of tt in this pass, for the level's
// duration, with the level's URL and connections, sleeping between levels'
// worth after each. The error is what stops the run; a load that failed is
// an event with its Err.
func (r *run) fixedRates(ctx context.Context, test config.Test, tt config.TestType, best bestStep) error {
	for _, f := range r.FixedRates {
		o := openloop.Options{URL: best.step.Run.URL, Rate: f * best.rps, Duration: best.step.Run.Duration,
			Connections: best.step.Connections, Accept: best.step.Run.Accept, Host: wrk.HostHeader, Timeout: wrk.Timeout}
		row := results.FixedRate{Entry: test.Name, Type: string(tt), Fraction: f, Connections: o.Connections, Queries: best.step.Queries,
			RequestedRate: o.Rate, StartTime: time.Now().Unix()}
		load, err := r.Runtime.RunOpenLoop(ctx, o)
		row.EndTime = time.Now().Unix()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var res openloop.Result
		if err == nil {
			res, err = openloop.ParseResult([]byte(load.Output))
		}
		if err == nil {
			row.RequestedRate, row.AchievedRate, row.Requests, row.Errors = res.RequestedRate, res.AchievedRate, res.Requests, res.Errors
			row.LatencyP50, row.LatencyP90, row.LatencyP99, row.LatencyP999, row.LatencyMax = res.LatencyP50, res.LatencyP90, res.LatencyP99, res.LatencyP999, res.LatencyMax
			row.Sustained = res.Sustained()
			if load.ClientCPU != nil {
				row.ClientCPUSeconds = seconds(*load.ClientCPU)
			}
		} else {
			row.Error = err.Error()
		}
		done := FixedRateMeasured{Entry: test.Name, Type: tt, Result: row, Err: err, Planned: o.Duration + r.Settings.SleepBetweenLevels}
		if err := r.emit(done); err != nil {
			return err
		}
		if err := sleep(ctx, r.Settings.SleepBetweenLevels); err != nil {
			return err
		}
	}
	return nil
}
