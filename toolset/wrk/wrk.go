// Package wrk drives the wrk HTTP load generator the way TFB's toolset does
// and reads its output: the command line for each run, the Lua script that
// pipelines requests for plaintext, and a parser for wrk's report, including
// the --latency percentiles, socket errors and non-2xx/3xx counts.
package wrk

import (
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// HostHeader is the Host header TFB sends: the name of its application server.
const HostHeader = "tfb-server"

// PipelineDepth is how many requests each connection writes at once in the
// plaintext test.
const PipelineDepth = 16

// Timeout is the per-request timeout TFB gives wrk (--timeout 8).
const Timeout = 8 * time.Second

// PipelineScriptName is the file name the pipelining script is written under.
const PipelineScriptName = "pipeline.lua"

// PipelineScript is the Lua script that makes wrk write several requests at
// once on each connection. Its first script argument is the depth.
const PipelineScript = `-- Written by the tfb toolset: sends args[1] requests at once per connection.
init = function(args)
  local depth = tonumber(args[1]) or 1
  local requests = {}
  for i = 1, depth do
    requests[i] = wrk.format()
  end
  pipelined = table.concat(requests)
end

request = function()
  return pipelined
end
`

// Run describes one wrk invocation.
type Run struct {
	URL         string        // full URL, e.g. http://127.0.0.1:8080/json
	Connections int           // -c
	Threads     int           // -t
	Duration    time.Duration // -d, whole seconds
	Accept      string        // Accept header, as config.LoadAccept gives it
	// ScriptPath, when set, is passed with -s and followed by "-- Pipeline".
	ScriptPath string
	Pipeline   int
}

// Args returns wrk's arguments (without the program name) in the order TFB's
// scripts use: Host, Accept and Connection headers, --latency, -d, -c,
// --timeout, -t, the URL, then the pipelining script if any.
func (r Run) Args() []string {
	args := []string{
		"-H", "Host: " + HostHeader,
		"-H", "Accept: " + r.Accept,
		"-H", "Connection: keep-alive",
		"--latency",
		"-d", strconv.Itoa(int(r.Duration.Round(time.Second) / time.Second)),
		"-c", strconv.Itoa(r.Connections),
		"--timeout", strconv.Itoa(int(Timeout / time.Second)),
		"-t", strconv.Itoa(r.Threads),
		r.URL,
	}
	if r.ScriptPath != "" {
		args = append(args, "-s", r.ScriptPath, "--", strconv.Itoa(r.Pipeline))
	}
	return args
}

// CommandLine renders the run as a shell-like command line for logs and raw files.
func (r Run) CommandLine() string {
	var b strings.Builder
	b.WriteString("wrk")
	for _, a := range r.Args() {
		b.WriteByte(' ')
		if strings.ContainsAny(a, " ;*,") {
			b.WriteString("'" + a + "'")
		} else {
			b.WriteString(a)
		}
	}
	return b.String()
}

// ErrNotInstalled is returned by LookPath when wrk is not on PATH.
var ErrNotInstalled = errors.New("wrk is not installed: install it with `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS), or use --runtime docker, which runs wrk in a container")

// LookPath returns the path of the wrk program, or ErrNotInstalled.
func LookPath() (string, error) {
	p, err := exec.LookPath("wrk")
	if err != nil {
		return "", ErrNotInstalled
	}
	return p, nil
}

// Threads returns the thread count TFB uses for a measured level: one per
// connection up to the number of cores.
func Threads(connections, cores int) int {
	return max(1, min(connections, cores))
}
