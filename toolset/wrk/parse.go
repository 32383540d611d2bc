package wrk

import (
	"bufio"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SocketErrors are the counts on wrk's "Socket errors:" line; all zero when
// wrk printed no such line.
type SocketErrors struct {
	Connect int64
	Read    int64
	Write   int64
	Timeout int64
}

// Report is what one wrk run printed. Latencies keep wrk's own spelling
// ("1.25ms"), as TFB's results.json does; Duration-typed twins are parsed
// from them for arithmetic.
type Report struct {
	Threads, Connections int

	LatencyAvg, LatencyStdev, LatencyMax string
	// Percentiles maps "50", "75", "90", "99" to wrk's spelling of that
	// latency percentile (from --latency); empty without --latency.
	Percentiles map[string]string

	TotalRequests int64
	Elapsed       time.Duration // the "in 2.00s" of "N requests in 2.00s"
	BytesRead     string        // the "25.08MB" of "..., 25.08MB read"
	SocketErrors  SocketErrors
	// Non2xx3xx counts responses whose status was not 2xx or 3xx (TFB's "5xx").
	Non2xx3xx         int64
	RequestsPerSecond float64
	TransferPerSecond string
}

// ErrNoReport means the text holds no wrk report, typically because wrk
// could not connect at all or was stopped before it finished.
var ErrNoReport = errors.New("no wrk report in output")

// Parse reads one wrk report. Lines it does not know are ignored, so the
// text may carry headers such as the command line before the report.
func Parse(text string) (Report, error) {
	p := parser{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if err := p.line(strings.TrimSpace(sc.Text())); err != nil {
			return p.r, err
		}
	}
	if err := sc.Err(); err != nil {
		return p.r, fmt.Errorf("read wrk output: %w", err)
	}
	if !p.found {
		return p.r, ErrNoReport
	}
	return p.r, nil
}

// parser is Parse's state between lines.
type parser struct {
	r              Report
	found          bool // the "N requests in" line was seen
	inDistribution bool // the lines after "Latency Distribution"
}

// line reads one trimmed line of wrk's output into the report.
func (p *parser) line(line string) error {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return nil
	}
	wasDistribution := p.inDistribution
	p.inDistribution = false
	r := &p.r
	switch {
	case strings.Contains(line, "threads and") && strings.HasSuffix(line, "connections"):
		// "2 threads and 16 connections"
		if len(fields) >= 4 {
			r.Threads, _ = strconv.Atoi(fields[0])
			r.Connections, _ = strconv.Atoi(fields[3])
		}
	case fields[0] == "Latency" && len(fields) >= 4:
		r.LatencyAvg, r.LatencyStdev, r.LatencyMax = fields[1], fields[2], fields[3]
	case line == "Latency Distribution":
		p.inDistribution = true
	case wasDistribution && len(fields) == 2 && strings.HasSuffix(fields[0], "%"):
		if r.Percentiles == nil {
			r.Percentiles = map[string]string{}
		}
		pct := strings.TrimSuffix(fields[0], "%")
		if f, err := strconv.ParseFloat(pct, 64); err == nil {
			pct = strconv.FormatFloat(f, 'f', -1, 64)
		}
		r.Percentiles[pct] = fields[1]
		p.inDistribution = true
	case strings.Contains(line, " requests in "):
		// "199234 requests in 2.00s, 25.08MB read"
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return fmt.Errorf("wrk output: bad request count in %q", line)
		}
		r.TotalRequests = n
		p.found = true
		if len(fields) >= 4 {
			r.Elapsed, _ = ParseLatency(strings.TrimSuffix(fields[3], ","))
		}
		if len(fields) >= 6 && fields[5] == "read" {
			r.BytesRead = fields[4]
		}
	case strings.HasPrefix(line, "Socket errors:"):
		return parseSocketErrors(line, &r.SocketErrors)
	case strings.HasPrefix(line, "Non-2xx or 3xx responses:"):
		n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, "Non-2xx or 3xx responses:")), 10, 64)
		if err != nil {
			return fmt.Errorf("wrk output: bad non-2xx count in %q", line)
		}
		r.Non2xx3xx = n
	case strings.HasPrefix(line, "Requests/sec:") && len(fields) == 2:
		r.RequestsPerSecond, _ = strconv.ParseFloat(fields[1], 64)
	case strings.HasPrefix(line, "Transfer/sec:") && len(fields) == 2:
		r.TransferPerSecond = fields[1]
	}
	return nil
}

// parseSocketErrors reads "Socket errors: connect 0, read 12, write 0,
// timeout 3" into s.
func parseSocketErrors(line string, s *SocketErrors) error {
	for part := range strings.SplitSeq(strings.TrimPrefix(line, "Socket errors:"), ",") {
		kv := strings.Fields(part)
		if len(kv) != 2 {
			continue
		}
		n, err := strconv.ParseInt(kv[1], 10, 64)
		if err != nil {
			return fmt.Errorf("wrk output: bad socket error count in %q", line)
		}
		switch kv[0] {
		case "connect":
			s.Connect = n
		case "read":
			s.Read = n
		case "write":
			s.Write = n
		case "timeout":
			s.Timeout = n
		}
	}
	return nil
}

// ParseLatency parses wrk's spelling of a duration: a decimal number followed
// by us, ms, s, m or h ("812.00us", "1.25ms", "2.00s", "1.02m").
func ParseLatency(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}}
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil {
			break
		}
		return time.Duration(f * float64(u.unit)), nil
	}
	return 0, fmt.Errorf("not a wrk duration: %q", s)
}

// Spell writes d the way wrk prints a latency: "812.00us", "1.25ms",
// "2.10s", which ParseLatency reads back.
func Spell(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.2fus", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

// SpellMicros is Spell of a latency given in microseconds.
func SpellMicros(us float64) string { return Spell(time.Duration(us * float64(time.Microsecond))) }

// Version reads the version from what `wrk -v` prints, e.g.
// "wrk debian/4.1.0-3+b2 [epoll]" from "wrk debian/4.1.0-3+b2 [epoll]
// Copyright (C) 2012 Will Glozer".
func Version(output string) (string, error) {
	for line := range strings.Lines(output) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "wrk ") {
			v, _, _ := strings.Cut(line, " Copyright")
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("no version line in wrk -v's output: %q", strings.TrimSpace(output))
}
