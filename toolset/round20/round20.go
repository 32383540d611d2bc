// Package round20 ships TechEmpower Round 20's published results for every
// Go test (Citrine hardware, run f78282e3) as data, and maps this
// repository's entries to the Round 20 tests they correspond to.
//
// The figures come with their source block (where they were taken from and
// what the hardware was); whoever shows them shows that block too.
package round20

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-tfb/suite/toolset/config"
)

// Round 20's code: the FrameworkBenchmarks commit tagged R20, and the tag
// object itself.
const (
	Commit    = "7a89f371286a0310e3d93d5de291b34067756b2a"
	TagObject = "c39ce851302182b88769e36f3654dbd247415f73"
)

// SameCode reports whether a FrameworkBenchmarks commit is Round 20's.
func SameCode(commit string) bool { return commit == Commit || commit == TagObject }

//go:embed citrine-go.json
var citrineGo []byte

// Data is the whole of citrine-go.json.
type Data struct {
	About string `json:"about"`
	// Source is the file's source block as parsed; SourceJSON is the same
	// block byte for byte, for output that carries it along unchanged.
	Source     Source          `json:"-"`
	SourceJSON json.RawMessage `json:"source"`
	// Tests maps a Round 20 test name ("go-pgx", "gin", ...) to its results.
	Tests map[string]Test `json:"tests"`
}

// Source says where the figures come from and what the hardware was.
type Source struct {
	Round        string            `json:"round"`
	Data         string            `json:"data"`
	Environment  string            `json:"environment"`
	PublishedRPS string            `json:"published_rps"`
	Levels       map[string]string `json:"levels"` // per Round 20 test type name
	Caveats      []string          `json:"caveats"`
	MachineStats string            `json:"machine_stats"`
}

// Test is one Round 20 test: its metadata and one result per test type.
type Test struct {
	Framework      string `json:"framework"`
	Platform       string `json:"platform"`
	Webserver      string `json:"webserver"`
	Database       string `json:"database"`
	ORM            string `json:"orm"`
	Approach       string `json:"approach"`
	Classification string `json:"classification"`
	// Results is keyed by Round 20's type names: json, plaintext, db, query,
	// fortune, update, cached-query. Use Result to look up by TestType.
	Results map[string]Result `json:"results"`
}

// Result is one test type's headline figures.
type Result struct {
	Connections int `json:"connections"`
	// PublishedRPS is what TechEmpower's site shows (request count / 15 s).
	PublishedRPS      float64 `json:"published_rps"`
	WrkRequestsPerSec float64 `json:"wrk_requests_per_sec"`
	// LatencyMS holds wrk's percentiles in milliseconds.
	LatencyMS              Latency `json:"latency_ms"`
	SocketErrors           int64   `json:"socket_errors"`
	Non2xxPercent          float64 `json:"non_2xx_percent"`
	AppMachineCPUPercent   float64 `json:"app_machine_cpu_percent_mean"`
	AppMachineMemoryUsedMB float64 `json:"app_machine_memory_used_mb_max"`
}

// AppMachineThreads is how many hardware threads Round 20's application
// machine had (one 14-core Xeon Gold 5120 with hyperthreading): its CPU
// percentages are shares of them.
const AppMachineThreads = 28

// RequestsPerCPUSecond is the published rate over the application
// machine's busy CPU seconds per second (AppMachineCPUPercent of
// AppMachineThreads): what one hardware thread-second of that machine
// served. false when the data records no CPU.
func (r Result) RequestsPerCPUSecond() (float64, bool) {
	if r.AppMachineCPUPercent <= 0 || r.PublishedRPS <= 0 {
		return 0, false
	}
	return r.PublishedRPS / (r.AppMachineCPUPercent / 100 * AppMachineThreads), true
}

// Latency holds wrk's latency percentiles in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P75 float64 `json:"p75"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
}

// Result returns the test's result for a test type of this project.
func (t Test) Result(tt config.TestType) (Result, bool) {
	r, ok := t.Results[TypeName(tt)]
	return r, ok
}

// TypeName is Round 20's name of a test type ("cached-query" for
// cached_query; the others are spelt alike).
func TypeName(tt config.TestType) string {
	if tt == config.CachedQuery {
		return "cached-query"
	}
	return string(tt)
}

// Load parses the embedded Round 20 data.
func Load() (Data, error) {
	var d Data
	if err := json.Unmarshal(citrineGo, &d); err != nil {
		return Data{}, fmt.Errorf("round 20 data: %w", err)
	}
	if err := json.Unmarshal(d.SourceJSON, &d.Source); err != nil {
		return Data{}, fmt.Errorf("round 20 data: source block: %w", err)
	}
	return d, nil
}

// mapping names, per entry of this repository, the Round 20 test of each
// test type; "*" covers every type the entry's test has.
var mapping = map[string]map[string]string{
	"nethttp": {
		string(config.JSON):      "go",
		string(config.Plaintext): "go",
		string(config.DB):        "go-pgx",
		string(config.Query):     "go-pgx",
		string(config.Update):    "go-pgx",
		string(config.Fortune):   "go-pgx-quicktemplate",
	},
	"gin":   {"*": "gin"},
	"echo":  {"*": "echo"},
	"fiber": {"*": "fiber"},
	"chi":   {"*": "chi"},
	// Round 20's fasthttp test is fasthttp without a framework on
	// PostgreSQL, as this one is.
	"fasthttp": {"*": "fasthttp"},
}

// TestFor returns the Round 20 test an entry's test type corresponds to,
// or false when the entry has no counterpart for that type. A test of a
// FrameworkBenchmarks tree, tfb-X, corresponds to Round 20's test X
// directly, whether or not Round 20 had one.
func TestFor(entry string, tt config.TestType) (string, bool) {
	if name, ok := strings.CutPrefix(entry, config.TFBPrefix); ok && name != "" {
		return name, true
	}
	m, ok := mapping[entry]
	if !ok {
		return "", false
	}
	if name, ok := m[string(tt)]; ok {
		return name, true
	}
	name, ok := m["*"]
	return name, ok
}

// HeadlineLevel says at which level Round 20's figure for a test type was
// taken, as this project's level key: 0 means the best connection count,
// otherwise the queries (query, update) or items (cached_query) per request.
func HeadlineLevel(tt config.TestType) int {
	switch tt {
	case config.Query, config.Update:
		return 20
	case config.CachedQuery:
		return 100
	}
	return 0
}
