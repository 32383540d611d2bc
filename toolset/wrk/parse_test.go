package wrk

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/config"
)

// plainReportFile is a 2-thread, 4-connection wrk run with --latency, no
// errors. toolset/benchmark's runner test answers every load with it too.
const plainReportFile = "testdata/report.txt"

func readPlainReport(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(plainReportFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const errorsReport = `---------------------------------------------------------
 Concurrency: 512 for gin
 wrk -H 'Host: tfb-server' --latency -d 15 -c 512 --timeout 8 -t 2 http://127.0.0.1:8080/db
---------------------------------------------------------
Running 15s test @ http://127.0.0.1:8080/db
  2 threads and 512 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.22ms   12.05ms   1.02s    91.10%
    Req/Sec     6.20k   510.33     7.11k    70.00%
  Latency Distribution
     50%   39.80ms
     75%   45.01ms
     90%   52.77ms
     99%   80.12ms
  185512 requests in 15.02s, 26.31MB read
  Socket errors: connect 0, read 12, write 1, timeout 3
  Non-2xx or 3xx responses: 42
Requests/sec:  12351.00
Transfer/sec:      1.75MB
STARTTIME 1700000000
ENDTIME 1700000015
`

const deadServerReport = `Running 2s test @ http://127.0.0.1:8080/json
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 2.00s, 0.00B read
  Socket errors: connect 16, read 0, write 0, timeout 0
Requests/sec:      0.00
Transfer/sec:       0.00B
`

func TestParse(t *testing.T) {
	plainReport := readPlainReport(t)
	tests := []struct {
		name string
		text string
		want Report
	}{
		{
			name: "plain report with percentiles",
			text: plainReport,
			want: Report{
				Threads: 2, Connections: 4,
				LatencyAvg: "650.16us", LatencyStdev: "1.83ms", LatencyMax: "22.02ms",
				Percentiles:   map[string]string{"50": "171.00us", "75": "345.00us", "90": "1.21ms", "99": "10.24ms"},
				TotalRequests: 19566, Elapsed: 1100 * time.Millisecond, BytesRead: "2.43MB",
				RequestsPerSecond: 17803.98, TransferPerSecond: "2.21MB",
			},
		},
		{
			name: "socket errors and non-2xx, with TFB framing lines",
			text: errorsReport,
			want: Report{
				Threads: 2, Connections: 512,
				LatencyAvg: "41.22ms", LatencyStdev: "12.05ms", LatencyMax: "1.02s",
				Percentiles:   map[string]string{"50": "39.80ms", "75": "45.01ms", "90": "52.77ms", "99": "80.12ms"},
				TotalRequests: 185512, Elapsed: 15020 * time.Millisecond, BytesRead: "26.31MB",
				SocketErrors: SocketErrors{Read: 12, Write: 1, Timeout: 3},
				Non2xx3xx:    42, RequestsPerSecond: 12351, TransferPerSecond: "1.75MB",
			},
		},
		{
			name: "server down: zero requests and connect errors",
			text: deadServerReport,
			want: Report{
				Threads: 2, Connections: 16,
				LatencyAvg: "0.00us", LatencyStdev: "0.00us", LatencyMax: "0.00us",
				Percentiles:   map[string]string{"50": "0.00us", "75": "0.00us", "90": "0.00us", "99": "0.00us"},
				TotalRequests: 0, Elapsed: 2 * time.Second, BytesRead: "0.00B",
				SocketErrors:      SocketErrors{Connect: 16},
				TransferPerSecond: "0.00B",
			},
		},
		{
			name: "without --latency there are no percentiles",
			text: strings.Replace(plainReport, "  Latency Distribution\n     50%  171.00us\n     75%  345.00us\n     90%    1.21ms\n     99%   10.24ms\n", "", 1),
			want: Report{
				Threads: 2, Connections: 4,
				LatencyAvg: "650.16us", LatencyStdev: "1.83ms", LatencyMax: "22.02ms",
				TotalRequests: 19566, Elapsed: 1100 * time.Millisecond, BytesRead: "2.43MB",
				RequestsPerSecond: 17803.98, TransferPerSecond: "2.21MB",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	plainReport := readPlainReport(t)
	tests := []struct {
		name, text string
		want       error
	}{
		{"connection refused", "unable to connect to 127.0.0.1:18999 Connection refused\n", ErrNoReport},
		{"empty", "", ErrNoReport},
		{"interrupted before the summary", strings.SplitAfter(plainReport, "10.24ms\n")[0], ErrNoReport},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.text)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse error = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := Parse("  12x requests in 1.00s, 1MB read\n"); err == nil {
		t.Error("Parse accepted a bad request count")
	}
}

func TestParseLatency(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"650.16us", 650160 * time.Nanosecond, true},
		{"1.83ms", 1830 * time.Microsecond, true},
		{"2.00s", 2 * time.Second, true},
		{"1.50m", 90 * time.Second, true},
		{"1.00h", time.Hour, true},
		{"-nan%", 0, false},
		{"12", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseLatency(tt.in)
		if (err == nil) != tt.ok || got.Round(time.Nanosecond) != tt.want {
			t.Errorf("ParseLatency(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestRunArgs(t *testing.T) {
	tests := []struct {
		name string
		run  Run
		want string
	}{
		{
			name: "concurrency level",
			run:  Run{URL: "http://127.0.0.1:8080/json", Connections: 16, Threads: 2, Duration: 15 * time.Second, Accept: config.AcceptJSON},
			want: "wrk -H 'Host: tfb-server' -H 'Accept: " + config.AcceptJSON + "' -H 'Connection: keep-alive' --latency -d 15 -c 16 --timeout 8 -t 2 http://127.0.0.1:8080/json",
		},
		{
			name: "pipelined plaintext",
			run:  Run{URL: "http://127.0.0.1:8080/plaintext", Connections: 256, Threads: 2, Duration: 2 * time.Second, Accept: config.AcceptPlaintext, ScriptPath: "/pipeline.lua", Pipeline: 16},
			want: "wrk -H 'Host: tfb-server' -H 'Accept: " + config.AcceptPlaintext + "' -H 'Connection: keep-alive' --latency -d 2 -c 256 --timeout 8 -t 2 http://127.0.0.1:8080/plaintext -s /pipeline.lua -- 16",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.run.CommandLine(); got != tt.want {
				t.Errorf("CommandLine:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestThreads(t *testing.T) {
	for _, tt := range []struct{ conns, cores, want int }{{16, 2, 2}, {1, 2, 1}, {512, 14, 14}, {8, 28, 8}} {
		if got := Threads(tt.conns, tt.cores); got != tt.want {
			t.Errorf("Threads(%d, %d) = %d, want %d", tt.conns, tt.cores, got, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		name, output, want string
		wantErr            bool
	}{
		{"debian", "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer\nUsage: wrk <options> <url>\n", "wrk debian/4.1.0-3+b2 [epoll]", false},
		{"upstream", "wrk 4.2.0 [kqueue] Copyright (C) 2012 Will Glozer\n", "wrk 4.2.0 [kqueue]", false},
		{"tty carriage returns", "wrk 4.1.0 [epoll] Copyright (C) 2012 Will Glozer\r\n", "wrk 4.1.0 [epoll]", false},
		{"not wrk", "sh: wrk: not found\n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Version(tt.output)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Version = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestSpellReadsBack(t *testing.T) {
	for d, want := range map[time.Duration]string{812 * time.Microsecond: "812.00us", 1250 * time.Microsecond: "1.25ms", 2100 * time.Millisecond: "2.10s"} {
		got := Spell(d)
		back, err := ParseLatency(got)
		if got != want || err != nil || back != d {
			t.Errorf("Spell(%s) = %q, read back as %s (%v); want %q", d, got, back, err, want)
		}
	}
}
