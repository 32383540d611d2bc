package results

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-tfb/suite/toolset/config"
)

// Open takes up an existing run to continue it (tfb benchmark --resume):
// path is its directory or its results.json. The run is marked resumed now
// (Environment.Resumed), its completion time and interruption cleared, and
// the file written again. Measurements added later replace the run's failed
// ones of the same level and leave the others as they are.
func Open(path string) (*Writer, error) {
	return open(path, time.Now)
}

func open(path string, now func() time.Time) (*Writer, error) {
	dir := path
	if info, err := os.Stat(path); err == nil && !info.IsDir() {
		dir = filepath.Dir(path)
	}
	file := filepath.Join(dir, FileName)
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("resume %s: not a results directory (it holds no %s)", path, FileName)
	}
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", path, err)
	}
	var doc Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("resume %s: %s is not a results file: %w", path, file, err)
	}
	if doc.Environment.Runtime == "" {
		return nil, fmt.Errorf("resume %s: %s was not written by tfb benchmark (no environment.runtime)", path, file)
	}
	fillMaps(&doc)
	doc.CompletionTime, doc.Interrupted = nil, false
	doc.Environment.Resumed = append(doc.Environment.Resumed, now().UnixMilli())
	w := &Writer{dir: dir, doc: doc, now: now, resumed: true}
	if err := w.write(); err != nil {
		return nil, err
	}
	return w, nil
}

// fillMaps makes the maps a Writer adds to.
func fillMaps(d *Document) {
	if d.RawData == nil {
		d.RawData = map[string]map[string][]Level{}
	}
	if d.Completed == nil {
		d.Completed = map[string]string{}
	}
	if d.Succeeded == nil {
		d.Succeeded = map[string][]string{}
	}
	if d.Failed == nil {
		d.Failed = map[string][]string{}
	}
	if d.Verify == nil {
		d.Verify = map[string]map[string]string{}
	}
	d.RepeatCount = max(d.RepeatCount, 1)
}

// Done is what a run has measured: for each entry, test type and level
// (its place in the type's list of levels), how many repeats hold a
// measurement. Failed levels do not count.
type Done struct {
	good map[doneKey]int
}

type doneKey struct {
	entry string
	tt    config.TestType
	level int
}

// Done returns what the document has measured.
func (d Document) Done() Done {
	done := Done{good: map[doneKey]int{}}
	for tt, byEntry := range d.RawData {
		for entry := range byEntry {
			for i, reps := range d.LevelRepeats(tt, entry) {
				for _, l := range reps {
					if !l.Failed() {
						done.good[doneKey{entry, config.TestType(tt), i}]++
					}
				}
			}
		}
	}
	return done
}

// Has reports whether the run holds the measurement of pass (from 1) of
// an entry's level: whether that level has at least pass measurements.
func (d Done) Has(entry string, tt config.TestType, level, pass int) bool {
	return pass <= d.good[doneKey{entry, tt, level}]
}

// IsZero reports whether d is the zero Done, which no document gave: a
// run made afresh rather than resumed.
func (d Done) IsZero() bool { return d.good == nil }
