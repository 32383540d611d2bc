// Package openloop loads an HTTP URL at a fixed rate, open loop, and
// measures latency without coordinated omission: requests are sent on a
// schedule whatever the answers, with vegeta's attacker
// (github.com/tsenart/vegeta/v12), and each latency is counted from the
// time its request was due, not from when a busy client got round to it,
// into an HDR histogram (github.com/HdrHistogram/hdrhistogram-go). wrk's
// latencies are a closed loop's: a slow answer delays the next request, so
// its percentiles understate what users arriving at a steady rate see.
package openloop

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Options say what to load and how hard.
type Options struct {
	URL         string        `json:"url"`
	Rate        float64       `json:"rate"`        // requests per second
	Duration    time.Duration `json:"duration"`    // of the load
	Connections int           `json:"connections"` // the most connections (and workers) the client keeps
	Accept      string        `json:"accept,omitempty"`
	Host        string        `json:"host,omitempty"` // the Host header, as wrk sends tfb-server
	Timeout     time.Duration `json:"timeout"`        // per request
}

// SustainedShare is the share of the requested rate the client must reach
// for its latencies to be the server's: below it the client could not keep
// the schedule, and the latencies belong to the client.
const SustainedShare = 0.95

// Result is one fixed-rate load.
type Result struct {
	RequestedRate float64 `json:"requestedRate"` // requests per second asked for
	AchievedRate  float64 `json:"achievedRate"`  // requests answered (errors too) per second of the load
	Requests      int64   `json:"requests"`
	Errors        int64   `json:"errors"` // transport errors and non-2xx/3xx answers
	// Latencies from each request's due time to its answer, in
	// microseconds, as an HDR histogram (3 significant digits) gives them.
	LatencyP50  float64 `json:"latencyP50"`
	LatencyP90  float64 `json:"latencyP90"`
	LatencyP99  float64 `json:"latencyP99"`
	LatencyP999 float64 `json:"latencyP999"`
	LatencyMax  float64 `json:"latencyMax"`
	// FirstError is the first error seen, for the record.
	FirstError string `json:"firstError,omitempty"`
	// ClientCPUSeconds is the load generator's own CPU time (user+system),
	// which the openloop command adds; 0 when unknown.
	ClientCPUSeconds float64 `json:"clientCpuSeconds,omitempty"`
}

// Sustained reports whether the client kept the requested rate (at least
// SustainedShare of it).
func (r Result) Sustained() bool { return r.AchievedRate >= SustainedShare*r.RequestedRate }

// Check reports options that cannot be run.
func (o Options) Check() error {
	switch {
	case o.URL == "":
		return errors.New("openloop: no URL")
	case !(o.Rate >= 1) || math.IsInf(o.Rate, 0):
		return fmt.Errorf("openloop: a rate of %v requests per second (want at least 1)", o.Rate)
	case o.Duration < time.Second:
		return fmt.Errorf("openloop: a duration of %s (want at least 1s)", o.Duration)
	case o.Connections < 1:
		return fmt.Errorf("openloop: %d connections (want at least 1)", o.Connections)
	}
	return nil
}

// Run loads o.URL at o.Rate for o.Duration and returns what was measured.
// ctx stops it early.
func Run(ctx context.Context, o Options) (Result, error) {
	if err := o.Check(); err != nil {
		return Result{}, err
	}
	header := http.Header{}
	if o.Accept != "" {
		header.Set("Accept", o.Accept)
	}
	if o.Host != "" {
		header.Set("Host", o.Host)
	}
	target := vegeta.Target{Method: http.MethodGet, URL: o.URL, Header: header}
	attacker := vegeta.NewAttacker(
		vegeta.Connections(o.Connections), vegeta.MaxConnections(o.Connections),
		vegeta.Workers(uint64(o.Connections)), vegeta.KeepAlive(true), vegeta.HTTP2(false),
		vegeta.Timeout(o.Timeout), vegeta.Redirects(vegeta.NoFollow),
		// Bodies are read and dropped: the connection is reused, nothing kept.
		vegeta.MaxBody(0),
	)
	// The pacer's rate is whole requests per period: a period of 1 ms
	// keeps rates to a thousandth of a request per second.
	pacer := vegeta.ConstantPacer{Freq: max(1, int(math.Round(o.Rate))), Per: time.Second}
	interval := time.Second / time.Duration(pacer.Freq)
	hist := hdrhistogram.New(1, int64(max(o.Timeout, time.Minute)/time.Microsecond), 3)
	res := Result{RequestedRate: float64(pacer.Freq)}
	var start, last time.Time
	stop := context.AfterFunc(ctx, func() { attacker.Stop() })
	defer stop()
	for r := range attacker.Attack(vegeta.NewStaticTargeter(target), pacer, o.Duration, "fixed-rate") {
		if start.IsZero() || r.Timestamp.Before(start) {
			start = r.Timestamp.Add(-time.Duration(r.Seq) * interval)
		}
		// Due: when the schedule meant the request to go, however late a
		// busy client sent it.
		due := start.Add(time.Duration(r.Seq) * interval)
		latency := r.End().Sub(due)
		if latency < r.Latency {
			latency = r.Latency
		}
		_ = hist.RecordValue(max(1, int64(latency/time.Microsecond)))
		res.Requests++
		if r.Error != "" || r.Code < 200 || r.Code >= 400 {
			res.Errors++
			if res.FirstError == "" {
				res.FirstError = cmp.Or(r.Error, fmt.Sprintf("status %d", r.Code))
			}
		}
		if e := r.End(); e.After(last) {
			last = e
		}
	}
	if res.Requests == 0 {
		return res, fmt.Errorf("openloop: no request of %s was answered", o.URL)
	}
	if d := last.Sub(start); d > 0 {
		res.AchievedRate = float64(res.Requests) / max(d.Seconds(), o.Duration.Seconds())
	}
	res.LatencyP50 = float64(hist.ValueAtQuantile(50))
	res.LatencyP90 = float64(hist.ValueAtQuantile(90))
	res.LatencyP99 = float64(hist.ValueAtQuantile(99))
	res.LatencyP999 = float64(hist.ValueAtQuantile(99.9))
	res.LatencyMax = float64(hist.Max())
	return res, ctx.Err()
}

// ParseResult reads a Result as the openloop command prints it.
func ParseResult(data []byte) (Result, error) {
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("openloop's output is no result: %w", err)
	}
	return r, nil
}
