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
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

// FileName is the name of the report written beside a run's results.json.
const FileName = "report.html"

// Section is a part of the page after the per-type sections, made of
// tables of package table: Round 20 beside the runs, for instance.
type Section struct {
	// Title heads the section and names it in the page's navigation.
	Title string
	// Intro is a paragraph under the title; may be empty.
	Intro  string
	Tables []table.Table
}

// Report is a page to render: the runs, shown side by side, and any extra
// sections.
type Report struct {
	Runs []runs.Run
	// Round20 adds a section setting each run of this project's layout
	// beside TechEmpower Round 20's published results (tfb compare --round
	// 20's tables, under Round 20's source block).
	Round20  bool
	Sections []Section
	// BaseDir is the directory the page will be opened from: links to each
	// run's files are made relative to it. Empty means the current
	// directory. WriteFile sets it to the directory of the file it writes.
	BaseDir string
}

// Write renders the runs as one HTML page to w, Round 20 section
// included; links are relative to the current directory.
func Write(w io.Writer, rs ...runs.Run) error {
	return Report{Runs: rs, Round20: true}.Write(w)
}

// WriteFile renders the runs as one HTML page to path, replacing it
// atomically. It may be called while a run is still going: whatever the
// documents hold so far is shown. The page has the Round 20 section.
func WriteFile(path string, rs ...runs.Run) error {
	return Report{Runs: rs, Round20: true}.WriteFile(path)
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
func labels(rs []runs.Run) []string {
	out := make([]string, len(rs))
	seen := map[string]int{}
	for i, r := range rs {
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
