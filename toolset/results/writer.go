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
	"github.com/go-tfb/suite/toolset/stats"
)

// Writer owns one run's directory and keeps results.json current. It is safe
// for concurrent use.
type Writer struct {
	mu  sync.Mutex
	dir string
	doc Document
	now func() time.Time
	// resumed is set for a run taken up again (Open): a new measurement
	// of a level replaces a failed one of its repeats.
	resumed bool
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
		RepeatCount:            max(meta.RepeatCount, 1),
		Threads:                meta.Threads,
		Platforms:              meta.Platforms,
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
// ("pass", "warn" or "fail") and the findings behind it, one line each.
func (w *Writer) SetVerify(entry string, tt config.TestType, status string, problems []string) error {
	return w.update(func(d *Document) {
		if d.Verify[entry] == nil {
			d.Verify[entry] = map[string]string{}
		}
		d.Verify[entry][string(tt)] = status
		if len(problems) == 0 {
			return
		}
		if d.VerifyProblems == nil {
			d.VerifyProblems = map[string]map[string][]string{}
		}
		if d.VerifyProblems[entry] == nil {
			d.VerifyProblems[entry] = map[string][]string{}
		}
		d.VerifyProblems[entry][string(tt)] = slices.Clone(problems)
	})
}

// AddLevel records one measurement of the level at index (its place in the
// test type's list of levels) of an entry and test type. With one repeat per
// level it becomes rawData's entry for that level. With more, it is appended
// to the level's repeats and rawData's entry becomes the repeat with the
// median requests per second (the lower median for an even count), so that
// rawData holds a measured, representative run in TFB's layout.
func (w *Writer) AddLevel(entry string, tt config.TestType, index int, l Level) error {
	if index < 0 {
		return fmt.Errorf("results: level index %d of %s %s is negative", index, entry, tt)
	}
	return w.update(func(d *Document) {
		if d.RawData[string(tt)] == nil {
			d.RawData[string(tt)] = map[string][]Level{}
		}
		raw := d.RawData[string(tt)][entry]
		for len(raw) <= index {
			raw = append(raw, Level{})
		}
		raw[index] = l
		if d.RepeatCount > 1 {
			if d.Repeats == nil {
				d.Repeats = map[string]map[string][][]Level{}
			}
			if d.Repeats[string(tt)] == nil {
				d.Repeats[string(tt)] = map[string][][]Level{}
			}
			reps := d.Repeats[string(tt)][entry]
			for len(reps) <= index {
				reps = append(reps, nil)
			}
			reps[index] = w.addRepeat(reps[index], l)
			d.Repeats[string(tt)][entry] = reps
			rps := make([]float64, len(reps[index]))
			for i, r := range reps[index] {
				rps[i] = r.RequestsPerSecond
			}
			raw[index] = reps[index][stats.MedianIndex(rps)]
		}
		d.RawData[string(tt)][entry] = raw
	})
}

// addRepeat appends l to a level's repeats or, in a resumed run, puts it
// in place of the first failed one.
func (w *Writer) addRepeat(reps []Level, l Level) []Level {
	if w.resumed {
		for i, r := range reps {
			if r.Failed() {
				reps[i] = l
				return reps
			}
		}
	}
	return append(reps, l)
}

// MarkSucceeded files the entry under succeeded[type] (and out of failed).
func (w *Writer) MarkSucceeded(entry string, tt config.TestType) error {
	return w.update(func(d *Document) {
		d.Failed[string(tt)] = slices.DeleteFunc(d.Failed[string(tt)], func(s string) bool { return s == entry })
		if !slices.Contains(d.Succeeded[string(tt)], entry) {
			d.Succeeded[string(tt)] = append(d.Succeeded[string(tt)], entry)
		}
	})
}

// MarkFailed files the entry under failed[type] (and out of succeeded).
func (w *Writer) MarkFailed(entry string, tt config.TestType) error {
	return w.update(func(d *Document) {
		d.Succeeded[string(tt)] = slices.DeleteFunc(d.Succeeded[string(tt)], func(s string) bool { return s == entry })
		if !slices.Contains(d.Failed[string(tt)], entry) {
			d.Failed[string(tt)] = append(d.Failed[string(tt)], entry)
		}
	})
}

// SetPostgresVersion records the database server's version, as its
// SELECT version() answers.
func (w *Writer) SetPostgresVersion(version string) error {
	return w.update(func(d *Document) { d.Environment.PostgresVersion = version })
}

// SetBuildNotes records what an entry's build did differently from how TFB
// builds it, under the environment's tfbRepo block (which must be set).
func (w *Writer) SetBuildNotes(entry string, notes []string) error {
	return w.update(func(d *Document) {
		r := d.Environment.TFBRepo
		if r == nil {
			r = &TFBRepo{Commit: "unknown"}
			d.Environment.TFBRepo = r
		}
		if r.Substitutions == nil {
			r.Substitutions = map[string][]string{}
		}
		r.Substitutions[entry] = notes
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

// FinishInterrupted marks the run as stopped before it finished, with
// completionTime the time it stopped, and writes the file a last time.
func (w *Writer) FinishInterrupted() error {
	return w.update(func(d *Document) {
		t := w.now().UnixMilli()
		d.CompletionTime = &t
		d.Interrupted = true
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
	if err := tmp.Chmod(0o644); err != nil {
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

// AddProfile records a profile file of an entry and test type, its path
// relative to the run's directory in p.File.
func (w *Writer) AddProfile(entry string, tt config.TestType, p Profile) error {
	return w.update(func(d *Document) {
		if d.Profiles == nil {
			d.Profiles = map[string]map[string][]Profile{}
		}
		if d.Profiles[string(tt)] == nil {
			d.Profiles[string(tt)] = map[string][]Profile{}
		}
		d.Profiles[string(tt)][entry] = append(d.Profiles[string(tt)][entry], p)
	})
}

// MarkBestProfiles marks the profiles taken at each entry's best level of
// each type (best gives its key; false when the entry has none) and, unless
// keepAll, removes the others, their files too. best must not call the
// Writer.
func (w *Writer) MarkBestProfiles(best func(tt, entry string) (int, bool), keepAll bool) error {
	var remove []string
	err := w.update(func(d *Document) {
		for tt, byEntry := range d.Profiles {
			for entry, ps := range byEntry {
				level, ok := best(tt, entry)
				kept := ps[:0]
				for _, p := range ps {
					p.Best = ok && p.Level == level
					if p.Best || keepAll {
						kept = append(kept, p)
					} else {
						remove = append(remove, filepath.Join(w.dir, filepath.FromSlash(p.File)))
					}
				}
				byEntry[entry] = kept
			}
		}
	})
	for _, path := range remove {
		if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, fmt.Errorf("remove a profile of a level not kept: %w", rerr))
		}
	}
	return err
}

// AddFixedRate records one open-loop load.
func (w *Writer) AddFixedRate(r FixedRate) error {
	return w.update(func(d *Document) { d.FixedRate = append(d.FixedRate, r) })
}
