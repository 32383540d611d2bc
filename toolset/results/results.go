// Package results writes a benchmark run's results in TFB's layout:
// results/<timestamp>/results.json plus, per entry and test type, the raw
// wrk output and the verification text. The JSON file is rewritten after
// every change, so an interrupted run keeps everything it finished.
package results

import (
	"cmp"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-tfb/suite/toolset/config"
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
	// verifier's findings, one line each ("FAIL: ..." or "WARN: ...").
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
	Interrupted bool        `json:"interrupted,omitempty"`
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
	// RepoDir is the checkout to read git details from; empty skips them.
	RepoDir string
}

// Writer owns one run's directory and keeps results.json current. It is safe
// for concurrent use.
type Writer struct {
	mu  sync.Mutex
	dir string
	doc Document
	now func() time.Time
}

// Create makes root/<timestamp>/ and writes the initial results.json. If a
// directory for this second already exists a suffix is added.
func Create(root string, meta Meta) (*Writer, error) {
	return create(root, meta, time.Now)
}

func create(root string, meta Meta, now func() time.Time) (*Writer, error) {
	start := now()
	dir, err := MakeRunDir(root, start)
	if err != nil {
		return nil, err
	}
	doc := Document{
		UUID:                   newUUID(),
		Name:                   cmp.Or(meta.Name, "(unspecified)"),
		EnvironmentDescription: cmp.Or(meta.EnvironmentDescription, "(unspecified)"),
		StartTime:              start.UnixMilli(),
		ConcurrencyLevels:      nonNil(meta.ConcurrencyLevels),
		PipelineConcurrency:    nonNil(meta.PipelineConcurrencyLevels),
		QueryIntervals:         nonNil(meta.QueryLevels),
		CachedQueryIntervals:   nonNil(meta.CachedQueryLevels),
		Frameworks:             nonNilStrings(meta.Frameworks),
		Duration:               meta.Duration,
		RawData:                map[string]map[string][]Level{},
		Completed:              map[string]string{},
		Succeeded:              map[string][]string{},
		Failed:                 map[string][]string{},
		Verify:                 map[string]map[string]string{},
		Environment:            meta.Environment,
	}
	for _, tt := range config.TestTypes {
		doc.RawData[string(tt)] = map[string][]Level{}
		doc.Succeeded[string(tt)] = []string{}
		doc.Failed[string(tt)] = []string{}
	}
	if meta.RepoDir != "" {
		doc.Git = readGit(meta.RepoDir)
	}
	w := &Writer{dir: dir, doc: doc, now: now}
	if err := w.write(); err != nil {
		return nil, err
	}
	return w, nil
}

// MakeRunDir creates root/<start in TimestampFormat>/ for a run (adding a -N
// suffix if a run of the same second has it) and returns its path.
func MakeRunDir(root string, start time.Time) (string, error) {
	stamp := start.Format(TimestampFormat)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("create results directory: %w", err)
	}
	for i := 0; ; i++ {
		name := stamp
		if i > 0 {
			name = fmt.Sprintf("%s-%d", stamp, i)
		}
		dir := filepath.Join(root, name)
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, os.ErrExist) || i > 100 {
			return "", fmt.Errorf("create results directory: %w", err)
		}
	}
}

// Dir is the run's directory, root/<timestamp>.
func (w *Writer) Dir() string { return w.dir }

// File is the path of results.json.
func (w *Writer) File() string { return filepath.Join(w.dir, FileName) }

// EntryFile returns the path of a per-entry, per-type file such as
// "raw.txt" or "verification.txt" (dir/<entry>/<type>/<name>), creating its
// directory.
func (w *Writer) EntryFile(entry string, tt config.TestType, name string) (string, error) {
	d := filepath.Join(w.dir, entry, string(tt))
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", fmt.Errorf("create results directory for %s %s: %w", entry, tt, err)
	}
	return filepath.Join(d, name), nil
}

// SetVerify records an entry's verification status for one test type
// ("pass", "warn" or "fail").
func (w *Writer) SetVerify(entry string, tt config.TestType, status string) error {
	return w.update(func(d *Document) {
		if d.Verify[entry] == nil {
			d.Verify[entry] = map[string]string{}
		}
		d.Verify[entry][string(tt)] = status
	})
}

// AddLevel appends one measured level to rawData[type][entry].
func (w *Writer) AddLevel(entry string, tt config.TestType, l Level) error {
	return w.update(func(d *Document) {
		if d.RawData[string(tt)] == nil {
			d.RawData[string(tt)] = map[string][]Level{}
		}
		d.RawData[string(tt)][entry] = append(d.RawData[string(tt)][entry], l)
	})
}

// Succeeded files the entry under succeeded[type] (and out of failed).
func (w *Writer) Succeeded(entry string, tt config.TestType) error {
	return w.update(func(d *Document) {
		d.Failed[string(tt)] = slices.DeleteFunc(d.Failed[string(tt)], func(s string) bool { return s == entry })
		if !slices.Contains(d.Succeeded[string(tt)], entry) {
			d.Succeeded[string(tt)] = append(d.Succeeded[string(tt)], entry)
		}
	})
}

// Failed files the entry under failed[type] (and out of succeeded).
func (w *Writer) Failed(entry string, tt config.TestType) error {
	return w.update(func(d *Document) {
		d.Succeeded[string(tt)] = slices.DeleteFunc(d.Succeeded[string(tt)], func(s string) bool { return s == entry })
		if !slices.Contains(d.Failed[string(tt)], entry) {
			d.Failed[string(tt)] = append(d.Failed[string(tt)], entry)
		}
	})
}

// Completed records that an entry is done: TFB stores the time
// ("20060102150405") on success, or a message saying what went wrong.
func (w *Writer) Completed(entry, message string) error {
	return w.update(func(d *Document) {
		if message == "" {
			message = w.now().Format(TimestampFormat)
		}
		d.Completed[entry] = message
	})
}

// Finish sets completionTime and writes the file a last time.
func (w *Writer) Finish() error {
	return w.update(func(d *Document) {
		t := w.now().UnixMilli()
		d.CompletionTime = &t
	})
}

// Document returns a deep-enough copy of the current document for reading.
func (w *Writer) Document() Document {
	w.mu.Lock()
	defer w.mu.Unlock()
	data, _ := json.Marshal(w.doc)
	var d Document
	_ = json.Unmarshal(data, &d)
	return d
}

func (w *Writer) update(change func(*Document)) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	change(&w.doc)
	return w.writeLocked()
}

func (w *Writer) write() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writeLocked()
}

// writeLocked replaces results.json atomically, so a reader (or a crash)
// never sees half a file.
func (w *Writer) writeLocked() error {
	data, err := json.MarshalIndent(w.doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	tmp, err := os.CreateTemp(w.dir, ".results-*.json")
	if err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write results: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if err := os.Rename(tmp.Name(), w.File()); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

// Load reads a results.json file.
func Load(path string) (Document, error) {
	var d Document
	data, err := os.ReadFile(path)
	if err != nil {
		return d, fmt.Errorf("read results: %w", err)
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

func readGit(dir string) *Git {
	run := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	commit := run("rev-parse", "HEAD")
	if commit == "" {
		return nil
	}
	return &Git{
		CommitID:      commit,
		RepositoryURL: run("config", "--get", "remote.origin.url"),
		BranchName:    run("rev-parse", "--abbrev-ref", "HEAD"),
	}
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
