// Package report renders benchmark runs as one self-contained HTML page:
// per test type, charts of requests per second, latency percentiles and the
// server's CPU time and memory by level; the verification grid; the
// environment each run was made in; and links to the raw wrk and verifier
// output. Charts are drawn by Apache ECharts, whose script is embedded in
// the binary and inlined into the page, so the file opens from file://
// with no network.
package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-tfb/suite/toolset/results"
)

// FileName is the name of the report written beside a run's results.json.
const FileName = "report.html"

// Run is one benchmark run: its results.json and what it holds.
type Run struct {
	// Label names the run in chart series and table headers when a report
	// shows several runs; Load sets it to the name of the run's directory.
	Label string
	// Path is the run's results.json; the raw files are found beside it.
	Path string
	// Doc is the content of results.json.
	Doc results.Document
}

// Dir is the run's results directory (the one holding results.json).
func (r Run) Dir() string { return filepath.Dir(r.Path) }

// Section is an extra table shown after the per-type sections, for data
// the report does not compute itself (a comparison with a published round,
// for instance). Cells are plain text.
type Section struct {
	Title   string
	Caption string
	Columns []string
	Rows    [][]string
}

// Report is a page to render: the runs, shown side by side, and any extra
// sections.
type Report struct {
	Runs     []Run
	Sections []Section
	// BaseDir is the directory the page will be opened from: links to each
	// run's files are made relative to it. Empty means the current
	// directory. WriteFile sets it to the directory of the file it writes.
	BaseDir string
}

// Load reads a run from a results directory or a results.json path. Its
// errors are one line naming the file and what is wrong with it.
func Load(arg string) (Run, error) {
	if arg == "" {
		return Run{}, errors.New("empty run path (expected a results directory or its results.json)")
	}
	path := arg
	if info, err := os.Stat(arg); err == nil && info.IsDir() {
		path = filepath.Join(arg, results.FileName)
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Run{}, fmt.Errorf("%s: no such file (expected a results directory or its %s)", path, results.FileName)
	case err != nil:
		return Run{}, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	doc, err := decode(data)
	if err != nil {
		return Run{}, fmt.Errorf("%s: not a valid %s: %w", path, results.FileName, err)
	}
	return NewRun(path, doc), nil
}

// NewRun makes a Run of a document already in memory, such as a running
// benchmark's (results.Writer's File and Document), labelled with the name
// of its directory.
func NewRun(resultsPath string, doc results.Document) Run {
	abs, err := filepath.Abs(resultsPath)
	if err != nil {
		abs = resultsPath
	}
	return Run{Label: filepath.Base(filepath.Dir(abs)), Path: abs, Doc: doc}
}

// decode parses results.json, saying where a syntax or type error is.
func decode(data []byte) (results.Document, error) {
	var doc results.Document
	if len(bytes.TrimSpace(data)) == 0 {
		return doc, errors.New("the file is empty")
	}
	err := json.Unmarshal(data, &doc)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, col := position(data, syntax.Offset)
		return doc, fmt.Errorf("line %d, column %d: %w", line, col, err)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return doc, fmt.Errorf("line %d, column %d: field %q holds a JSON %s, expected %s", line, col, typ.Field, typ.Value, typ.Type)
	case err != nil:
		return doc, err
	}
	if doc.RawData == nil && doc.Verify == nil && doc.Frameworks == nil {
		return doc, errors.New("it has none of rawData, verify and frameworks")
	}
	return doc, nil
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Write renders the runs as one HTML page to w; links are relative to the
// current directory.
func Write(w io.Writer, runs ...Run) error {
	return Report{Runs: runs}.Write(w)
}

// WriteFile renders the runs as one HTML page to path, replacing it
// atomically. It may be called while a run is still going: whatever the
// documents hold so far is shown.
func WriteFile(path string, runs ...Run) error {
	return Report{Runs: runs}.WriteFile(path)
}

// Write renders the report to w.
func (r Report) Write(w io.Writer) error {
	if len(r.Runs) == 0 {
		return errors.New("no runs to report (expected at least one results directory or results.json)")
	}
	p, err := buildPage(r)
	if err != nil {
		return err
	}
	if err := pageTemplate.Execute(w, p); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

// WriteFile renders the report to path through a temporary file in the same
// directory, so a reader never sees half a page. Links are made relative to
// path's directory.
func (r Report) WriteFile(path string) error {
	dir := filepath.Dir(path)
	r.BaseDir = dir
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".report-*.html")
	if err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}

// labels gives each run a distinct label: its own, or "run N" when it has
// none, with "#N" added to repeated ones.
func labels(runs []Run) []string {
	out := make([]string, len(runs))
	seen := map[string]int{}
	for i, r := range runs {
		l := strings.TrimSpace(r.Label)
		if l == "" {
			l = fmt.Sprintf("run %d", i+1)
		}
		seen[l]++
		if n := seen[l]; n > 1 {
			l = fmt.Sprintf("%s#%d", l, n)
		}
		out[i] = l
	}
	return out
}
