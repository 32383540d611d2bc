package report

import (
	"cmp"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-tfb/suite/toolset/runs"
)

// environmentTable lists, per run, where and how it was made.
func environmentTable(rs []runs.Run, names []string) envTable {
	t := envTable{Columns: append([]string{""}, names...)}
	rows := []struct {
		name string
		get  func(runs.Run) string
	}{
		{"Name", func(r runs.Run) string { return specified(r.Doc.Name) }},
		{"Started", func(r runs.Run) string { return formatMillis(r.Doc.StartTime) }},
		{"Finished", func(r runs.Run) string {
			switch {
			case r.Doc.Interrupted:
				return "interrupted at " + formatMillisPtr(r.Doc.CompletionTime)
			case r.Doc.CompletionTime == nil:
				return "not yet (run in progress or stopped without a trace)"
			}
			return formatMillisPtr(r.Doc.CompletionTime)
		}},
		{"Runtime", func(r runs.Run) string { return r.Doc.Environment.Runtime }},
		{"CPU", func(r runs.Run) string { return r.Doc.Environment.CPUModel }},
		{"Cores", func(r runs.Run) string { return positive(r.Doc.Environment.Cores) }},
		{"Memory", func(r runs.Run) string { return formatBytes(r.Doc.Environment.MemoryBytes) }},
		{"OS / arch", func(r runs.Run) string { return joinNonEmpty(" / ", r.Doc.Environment.OS, r.Doc.Environment.Arch) }},
		{"Kernel", func(r runs.Run) string { return r.Doc.Environment.Kernel }},
		{"Server engine", func(r runs.Run) string { return engineFacts(r, "server") }},
		{"Database engine", func(r runs.Run) string { return engineFacts(r, "database") }},
		{"Client engine", func(r runs.Run) string { return engineFacts(r, "client") }},
		{"Go", func(r runs.Run) string { return r.Doc.Environment.GoVersion }},
		{"wrk", func(r runs.Run) string { return r.Doc.Environment.WrkVersion }},
		{"PostgreSQL", func(r runs.Run) string { return r.Doc.Environment.PostgresVersion }},
		{"Entry limits", func(r runs.Run) string {
			e := r.Doc.Environment
			return joinNonEmpty(", ", prefixed("cpuset ", e.CPUSet), prefixed("memory ", e.MemoryLimit))
		}},
		{"Git commit", func(r runs.Run) string {
			if r.Doc.Git == nil {
				return ""
			}
			return joinNonEmpty(" ", r.Doc.Git.CommitID, parenthesized(r.Doc.Git.BranchName))
		}},
		{"Command line", func(r runs.Run) string { return strings.Join(r.Doc.Environment.CommandLine, " ") }},
		{"Duration per level", func(r runs.Run) string { return positive(r.Doc.Duration) + prefixed("", unitIf(r.Doc.Duration, " s")) }},
		{"Repeats per level", func(r runs.Run) string { return strconv.Itoa(max(r.Doc.RepeatCount, 1)) }},
		{"Concurrency levels", func(r runs.Run) string { return joinInts(r.Doc.ConcurrencyLevels) }},
		{"Pipeline concurrency levels", func(r runs.Run) string { return joinInts(r.Doc.PipelineConcurrency) }},
		{"Query levels", func(r runs.Run) string { return joinInts(r.Doc.QueryIntervals) }},
		{"Cached query levels", func(r runs.Run) string { return joinInts(r.Doc.CachedQueryIntervals) }},
		{"Description", func(r runs.Run) string { return specified(r.Doc.EnvironmentDescription) }},
		{"Note", func(r runs.Run) string { return r.Doc.Environment.ServerCPUNote }},
	}
	for _, row := range rows {
		cells := []string{row.name}
		any := false
		for _, r := range rs {
			v := strings.TrimSpace(row.get(r))
			any = any || v != ""
			cells = append(cells, cmp.Or(v, "—"))
		}
		if any {
			t.Rows = append(t.Rows, cells)
		}
	}
	return t
}

// engineFacts describes the Docker engine of a role: its endpoint, machine,
// cores, memory, kernel and version; empty when the run has none.
func engineFacts(r runs.Run, role string) string {
	e, ok := r.Doc.Environment.Engines[role]
	if !ok {
		return ""
	}
	return joinNonEmpty(", ", e.Endpoint, e.Name, unitIf(e.Cores, strconv.Itoa(e.Cores)+" cores"),
		formatBytes(e.MemoryBytes), e.Kernel, prefixed("Docker ", e.DockerVersion))
}

// resultsLink links to a run's results.json; none for a run without a path.
func resultsLink(base, path string) link {
	if path == "" {
		return link{}
	}
	return fileLink(base, path, "results.json")
}

// fileLink links to path relative to base, as a URL path (each segment
// escaped), or as a file:// URL when no relative path exists.
func fileLink(base, path, text string) link {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	rel, err := filepath.Rel(base, abs)
	if err != nil {
		return link{Text: text, Href: (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()}
	}
	return link{Text: text, Href: (&url.URL{Path: filepath.ToSlash(rel)}).String()}
}
