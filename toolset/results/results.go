// Package results writes a benchmark run's results in TFB's layout:
// results/<timestamp>/results.json plus, per entry and test type, the raw
// wrk output and the verification text. The JSON file is rewritten after
// every change, so an interrupted run keeps everything it finished.
package results

import (
	"time"
)

// TimestampFormat is how TFB names a run's directory (strftime %Y%m%d%H%M%S).
const TimestampFormat = "20060102150405"

// FileName is the name of the aggregate results file in a run's directory.
const FileName = "results.json"

// Level is one measured level of one entry and test type: TFB's rawData
// entry plus the fields TFB lacks (percentiles, server CPU and memory).
type Level struct {
	// TFB's fields. Latencies keep wrk's spelling, e.g. "1.25ms".
	LatencyAvg    string `json:"latencyAvg,omitempty"`
	LatencyStdev  string `json:"latencyStdev,omitempty"`
	LatencyMax    string `json:"latencyMax,omitempty"`
	TotalRequests int64  `json:"totalRequests"`
	StartTime     int64  `json:"startTime"` // Unix seconds, as TFB's STARTTIME
	EndTime       int64  `json:"endTime"`   // Unix seconds, as TFB's ENDTIME
	Connect       int64  `json:"connect"`   // socket errors by kind
	Read          int64  `json:"read"`
	Write         int64  `json:"write"`
	Timeout       int64  `json:"timeout"`
	Non2xx3xx     int64  `json:"5xx"` // wrk's "Non-2xx or 3xx responses", which TFB files as 5xx

	// Additions. Connections and Queries say which level this is (TFB
	// leaves that implicit in the order of the list).
	Connections       int     `json:"connections"`
	Queries           int     `json:"queries,omitempty"`
	Pipeline          int     `json:"pipeline,omitempty"`
	RequestsPerSecond float64 `json:"requestsPerSecond"`
	LatencyP50        string  `json:"latencyP50,omitempty"`
	LatencyP75        string  `json:"latencyP75,omitempty"`
	LatencyP90        string  `json:"latencyP90,omitempty"`
	LatencyP99        string  `json:"latencyP99,omitempty"`
	// ServerCPUSeconds is the CPU time (user+system) the entry's process or
	// container used during the level; ServerPeakMemoryBytes its peak
	// resident memory during the level. Absent when they could not be read.
	ServerCPUSeconds      *float64 `json:"serverCpuSeconds,omitempty"`
	ServerPeakMemoryBytes *int64   `json:"serverPeakMemoryBytes,omitempty"`

	// The cost of the level by role, each absent when it could not be read
	// on this platform or runtime (never zero for unknown).
	//
	// MeasuredSeconds is the wall-clock time the CPU figures below were
	// taken over: from just before wrk started to just after it ended.
	MeasuredSeconds *float64 `json:"measuredSeconds,omitempty"`
	// DatabaseCPUSeconds is the CPU time (user+system) of PostgreSQL's
	// processes during the level.
	DatabaseCPUSeconds *float64 `json:"databaseCpuSeconds,omitempty"`
	// ClientCPUSeconds is wrk's CPU time during the level.
	ClientCPUSeconds *float64 `json:"clientCpuSeconds,omitempty"`
	// ServerKernelCPUSeconds, DatabaseKernelCPUSeconds and
	// ClientKernelCPUSeconds are the parts of the three roles' CPU time
	// spent in the kernel (system time): system calls, and the network
	// stack run on the role's behalf. The rest is the role's own code.
	ServerKernelCPUSeconds   *float64 `json:"serverKernelCpuSeconds,omitempty"`
	DatabaseKernelCPUSeconds *float64 `json:"databaseKernelCpuSeconds,omitempty"`
	ClientKernelCPUSeconds   *float64 `json:"clientKernelCpuSeconds,omitempty"`
	// OtherCPUSeconds is the CPU time the machine spent on anything but the
	// three roles during the level, steal time included (all roles on one
	// machine only).
	OtherCPUSeconds *float64 `json:"otherCpuSeconds,omitempty"`
	// StealCPUSeconds is the part of OtherCPUSeconds the hypervisor gave to
	// other guests, where the kernel reports it.
	StealCPUSeconds *float64 `json:"stealCpuSeconds,omitempty"`
	// DatabaseQueries is how many statements PostgreSQL executed for the
	// entry during the level (pg_stat_statements' calls of the statements
	// naming world or fortune).
	DatabaseQueries *int64 `json:"databaseQueries,omitempty"`
	// ClientBound is set when wrk's threads used at least ClientBoundShare
	// of the cores they could run on: the level's rate is then a bound on the client,
	// not on the entry.
	ClientBound *bool `json:"clientBound,omitempty"`

	// Error says why the level holds no measurement: wrk failed or printed
	// no report (with what it printed on stderr), or the entry exited
	// during the level. The level is then no measurement, whatever its
	// figures say.
	Error string `json:"error,omitempty"`
}

// Failed reports whether the level holds no measurement: it records an
// error, or no request was answered (a failed level of a file older than
// the error field, or of TFB's).
func (l Level) Failed() bool {
	return l.Error != "" || l.TotalRequests == 0
}

// ClientBoundShare is the share of its cores wrk's threads must use for a
// level to count as bound by the client (Level.ClientBound): its rate then
// says how fast wrk is, not how fast the entry is.
const ClientBoundShare = 0.9

// CompletedError returns the error an entry's completed message records,
// and false when the message is TFB's time of success (or empty).
func CompletedError(message string) (string, bool) {
	if message == "" {
		return "", false
	}
	if _, err := time.Parse(TimestampFormat, message); err == nil {
		return "", false
	}
	return message, true
}

// Errors is the number of requests of the level that failed: socket
// errors (connect, read, write, timeout) and non-2xx/3xx responses.
func (l Level) Errors() int64 {
	return l.Connect + l.Read + l.Write + l.Timeout + l.Non2xx3xx
}

// FixedRate is one open-loop load of an entry and test type at a fraction
// of its best measured rate (toolset/openloop): latencies counted from each
// request's due time, so without coordinated omission.
type FixedRate struct {
	Entry    string  `json:"entry"`
	Type     string  `json:"type"`
	Fraction float64 `json:"fraction"` // of the best level's requests per second
	// Connections are the most connections the client kept, the best
	// level's; Queries its queries (or items) per request, for the query
	// types.
	Connections   int     `json:"connections"`
	Queries       int     `json:"queries,omitempty"`
	RequestedRate float64 `json:"requestedRate"` // requests per second
	AchievedRate  float64 `json:"achievedRate"`  // answered per second
	// Latencies in microseconds, from an HDR histogram.
	LatencyP50  float64 `json:"latencyP50"`
	LatencyP90  float64 `json:"latencyP90"`
	LatencyP99  float64 `json:"latencyP99"`
	LatencyP999 float64 `json:"latencyP999"`
	LatencyMax  float64 `json:"latencyMax"`
	Requests    int64   `json:"requests"`
	Errors      int64   `json:"errors"` // transport errors and non-2xx/3xx answers
	// Sustained is false when the client reached less than 95% of the
	// requested rate: the latencies then belong to the client.
	Sustained        bool     `json:"sustained"`
	ClientCPUSeconds *float64 `json:"clientCpuSeconds,omitempty"`
	StartTime        int64    `json:"startTime"` // Unix seconds
	EndTime          int64    `json:"endTime"`
	// Error says why the load gave no result; the figures are then zero.
	Error string `json:"error,omitempty"`
}

// Profile is one pprof file captured from an entry while a level ran.
type Profile struct {
	// Kind is the profile: cpu, heap, allocs, mutex or block.
	Kind string `json:"kind"`
	// Level is the level's key: its connections, or its queries per
	// request for the query types (as runs.LevelKey).
	Level int `json:"level"`
	// File is the pprof file, relative to the run's directory
	// (ENTRY/TYPE/KIND-LEVEL.pprof), which go tool pprof opens.
	File string `json:"file"`
	// Seconds is how long the profile covers (cpu, and the deltas of
	// allocs, mutex and block); 0 for heap, a snapshot at its end.
	Seconds int `json:"seconds,omitempty"`
	// Best is set on the profiles of the entry's best level of the type.
	Best bool `json:"best,omitempty"`
}

// Git describes the checkout the run was made from, as TFB records it.
type Git struct {
	CommitID      string `json:"commitId"`
	RepositoryURL string `json:"repositoryUrl"`
	BranchName    string `json:"branchName"`
}

// Document is the whole of results.json. Field names and shapes follow TFB's
// toolset; Environment and Runtime are additions.
type Document struct {
	UUID                   string                        `json:"uuid"`
	Name                   string                        `json:"name"`
	EnvironmentDescription string                        `json:"environmentDescription"`
	Git                    *Git                          `json:"git"`
	StartTime              int64                         `json:"startTime"`      // Unix milliseconds
	CompletionTime         *int64                        `json:"completionTime"` // Unix milliseconds; null until finished
	ConcurrencyLevels      []int                         `json:"concurrencyLevels"`
	PipelineConcurrency    []int                         `json:"pipelineConcurrencyLevels"`
	QueryIntervals         []int                         `json:"queryIntervals"`
	CachedQueryIntervals   []int                         `json:"cachedQueryIntervals"`
	Frameworks             []string                      `json:"frameworks"`
	Duration               int                           `json:"duration"` // seconds per level
	RawData                map[string]map[string][]Level `json:"rawData"`
	Completed              map[string]string             `json:"completed"`
	Succeeded              map[string][]string           `json:"succeeded"`
	Failed                 map[string][]string           `json:"failed"`
	Verify                 map[string]map[string]string  `json:"verify"`

	// Additions to TFB's layout.

	// VerifyProblems holds, per entry and test type (as Verify), the
	// verifier's findings, one line each as verify.Problem renders them:
	// "fail: MESSAGE (URL)" or "warn: MESSAGE (URL)", the URL optional.
	VerifyProblems map[string]map[string][]string `json:"verifyProblems,omitempty"`
	// RepeatCount is how many times each level was measured (--repeat).
	RepeatCount int `json:"repeatCount,omitempty"`
	// Repeats holds every measurement: type, then entry, then one list per
	// level (in the order of rawData's levels) of its repeats in the order
	// they ran. rawData holds, per level, the repeat with the median
	// requests per second (the lower median for an even count), so that
	// TFB's tools see a measured, representative run.
	Repeats map[string]map[string][][]Level `json:"repeats,omitempty"`
	// Interrupted is set when the run was stopped before it finished;
	// completionTime then says when it stopped.
	Interrupted bool `json:"interrupted,omitempty"`
	// Threads is wrk's thread count for the warmups and levels when it was
	// set (tfb ceiling's -t2) instead of TFB's rule.
	Threads int `json:"threads,omitempty"`
	// FixedRate holds the open-loop loads at fractions of each entry's best
	// rate (tfb benchmark --fixed-rate), in the order they ran.
	FixedRate []FixedRate `json:"fixedRate,omitempty"`
	// Platforms maps each entry to the entry of its platform, the one it
	// runs on (gin → nethttp, fiber → fasthttp), from benchmark_config.json's
	// platform and classification; entries with none are left out.
	Platforms map[string]string `json:"platforms,omitempty"`
	// Profiles lists the pprof files captured during levels (tfb benchmark
	// --pprof), by test type, then entry.
	Profiles map[string]map[string][]Profile `json:"profiles,omitempty"`
	// Ceiling holds PostgreSQL's best rates when the run is tfb ceiling's.
	Ceiling     *Ceiling    `json:"ceiling,omitempty"`
	Environment Environment `json:"environment"`
}

// LevelRepeats returns the measurements of one entry and test type, one
// list per level: Repeats when the run recorded them, else rawData's single
// measurement per level (a run without repeats, or a file from TFB).
func (d Document) LevelRepeats(testType, entry string) [][]Level {
	if reps := d.Repeats[testType][entry]; len(reps) > 0 {
		return reps
	}
	raw := d.RawData[testType][entry]
	out := make([][]Level, len(raw))
	for i, l := range raw {
		out[i] = []Level{l}
	}
	return out
}

// Environment records where and how the run was made.
type Environment struct {
	Runtime    string `json:"runtime"` // docker or local
	Cores      int    `json:"cores"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	GoVersion  string `json:"goVersion"`
	WrkVersion string `json:"wrkVersion,omitempty"`
	// The machine the load ran from and, on one host, the entries too.
	CPUModel        string `json:"cpuModel,omitempty"`
	MemoryBytes     int64  `json:"memoryBytes,omitempty"`
	Kernel          string `json:"kernel,omitempty"`
	PostgresVersion string `json:"postgresVersion,omitempty"` // the database's SELECT version()
	// CommandLine is the tfb command line that made the run.
	CommandLine   []string `json:"commandLine,omitempty"`
	CPUSet        string   `json:"cpuset,omitempty"`
	MemoryLimit   string   `json:"memoryLimit,omitempty"`
	ServerHost    string   `json:"serverHost,omitempty"`
	DatabaseHost  string   `json:"databaseHost,omitempty"`
	ClientHost    string   `json:"clientHost,omitempty"`
	ServerCPUNote string   `json:"serverCpuNote,omitempty"`
	// Partition holds the CPUs each role ran on, when they were kept apart
	// (--partition); PartitionNote says why they were not, when not.
	Partition     *Partition `json:"partition,omitempty"`
	PartitionNote string     `json:"partitionNote,omitempty"`
	// ClientCPUs is the CPU quota of wrk's container (--client-cpus).
	ClientCPUs float64 `json:"clientCpus,omitempty"`
	// Engines are the Docker engines of the roles "server", "database" and
	// "client" as each described itself (docker runtime only): on three
	// machines, the figures above describe the client's machine only.
	Engines map[string]EngineFacts `json:"engines,omitempty"`
	// TFBRepo is the FrameworkBenchmarks tree whose tests ran beside this
	// suite's entries (--tfb-repo); absent when none did.
	TFBRepo *TFBRepo `json:"tfbRepo,omitempty"`
	// Resumed holds the times (Unix milliseconds) at which the run was
	// continued with tfb benchmark --resume, in order.
	Resumed []int64 `json:"resumed,omitempty"`
}

// TFBRepo is a FrameworkBenchmarks tree a run took tests from.
type TFBRepo struct {
	Dir string `json:"dir"`
	// Commit is the tree's git commit, "unknown" without git metadata.
	Commit string `json:"commit"`
	// Substitutions say, per entry, what its build did differently from how
	// TFB builds it (an image or a module source standing in, a line
	// skipped), one line each.
	Substitutions map[string][]string `json:"substitutions,omitempty"`
}

// Partition holds the CPUs each role may run on, in cpuset syntax ("0-3",
// "4,5"), so that the entry, PostgreSQL and wrk do not take each other's
// cores. An empty field leaves that role unrestricted.
type Partition struct {
	Server   string `json:"server"`
	Database string `json:"database"`
	Client   string `json:"client"`
}

// EngineFacts are what a Docker engine tells of itself and its machine.
type EngineFacts struct {
	Endpoint      string `json:"endpoint"`
	Name          string `json:"name"` // the engine's machine name
	Cores         int    `json:"cores"`
	MemoryBytes   int64  `json:"memoryBytes"`
	Kernel        string `json:"kernel"`
	OS            string `json:"os"`
	DockerVersion string `json:"dockerVersion"`
}

// Meta is what a run knows before it starts.
type Meta struct {
	Name                      string // results name; defaults to "(unspecified)"
	EnvironmentDescription    string
	Frameworks                []string
	Duration                  int
	ConcurrencyLevels         []int
	PipelineConcurrencyLevels []int
	QueryLevels               []int
	CachedQueryLevels         []int
	Environment               Environment
	// RepeatCount is how many times each level is measured (--repeat);
	// 0 means once.
	RepeatCount int
	// Threads is wrk's fixed thread count, 0 for TFB's rule.
	Threads int
	// RepoDir is the checkout to read git details from; empty skips them.
	RepoDir string
	// Platforms maps entries to the entries they run on
	// (config.Config.PlatformEntries), for the framework-overhead view.
	Platforms map[string]string
}
