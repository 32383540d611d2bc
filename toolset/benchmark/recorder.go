package benchmark

import (
	"fmt"
	"os"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/verify"
)

// Recorder is the consumer that writes a run into its results directory:
// results.json through a results.Writer, and per entry and test type
// raw.txt (wrk's output, framed as TFB frames it) and verification.txt.
type Recorder struct {
	// AllProfiles keeps the profiles of every level; otherwise, when the
	// run ends, only those of each entry's best level are kept.
	AllProfiles bool

	w        *results.Writer
	types    map[string][]config.TestType // per entry, from EntryStarted
	verified map[string]bool              // entries whose verdict arrived
	failed   map[string]map[config.TestType]bool
	broken   map[string]bool // entries whose completed holds an error
	dbSeen   bool
}

// NewRecorder returns a Recorder writing through w.
func NewRecorder(w *results.Writer) *Recorder {
	return &Recorder{w: w, types: map[string][]config.TestType{}, verified: map[string]bool{},
		failed: map[string]map[config.TestType]bool{}, broken: map[string]bool{}}
}

// Consume implements Consumer.
func (r *Recorder) Consume(e Event) error {
	switch e := e.(type) {
	case EntryStarted:
		r.types[e.Entry] = e.Types
	case Built:
		return r.w.SetBuildNotes(e.Entry, e.Notes)
	case DatabaseStarted:
		if e.Version != "" && !r.dbSeen {
			r.dbSeen = true
			return r.w.SetPostgresVersion(e.Version)
		}
	case Verified:
		return r.recordVerdicts(e)
	case StepFinished:
		return r.raw(e)
	case LevelMeasured:
		if err := r.w.AddLevel(e.Entry, e.Type, e.Level, e.Result); err != nil {
			return err
		}
		return r.profiles(e)
	case TypeFinished:
		if e.Err != nil {
			if r.failed[e.Entry] == nil {
				r.failed[e.Entry] = map[config.TestType]bool{}
			}
			r.failed[e.Entry][e.Type] = true
			return r.w.MarkFailed(e.Entry, e.Type)
		}
		if !r.failed[e.Entry][e.Type] {
			return r.w.MarkSucceeded(e.Entry, e.Type)
		}
	case FixedRateMeasured:
		return r.w.AddFixedRate(e.Result)
	case EntryFinished:
		return r.entryFinished(e)
	case RunFinished:
		if err := r.w.MarkBestProfiles(r.bestLevels(), r.AllProfiles); err != nil {
			return err
		}
		if e.Interrupted {
			return r.w.FinishInterrupted()
		}
		return r.w.Finish()
	}
	return nil
}

func (r *Recorder) recordVerdicts(e Verified) error {
	r.verified[e.Entry] = true
	for _, res := range e.Results {
		lines := make([]string, len(res.Problems))
		for i, p := range res.Problems {
			lines[i] = p.String()
		}
		if err := r.w.SetVerify(e.Entry, res.Type, res.Status().String(), lines); err != nil {
			return err
		}
		path, err := r.w.EntryFile(e.Entry, res.Type, "verification.txt")
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(e.Entry+" "+res.String()), 0o644); err != nil {
			return fmt.Errorf("write verification text: %w", err)
		}
	}
	return nil
}

// entryFinished records the entry under completed: the time, or the error
// of the first pass that failed. An entry that failed before its
// verification fails every type.
func (r *Recorder) entryFinished(e EntryFinished) error {
	if e.Err == nil {
		if r.broken[e.Entry] {
			return nil
		}
		return r.w.Completed(e.Entry, "")
	}
	r.broken[e.Entry] = true
	if !r.verified[e.Entry] {
		for _, tt := range r.types[e.Entry] {
			if err := r.w.SetVerify(e.Entry, tt, verify.Fail.String(), []string{verify.Problem{Severity: verify.Fail, Message: e.Err.Error()}.String()}); err != nil {
				return err
			}
		}
	}
	return r.w.Completed(e.Entry, e.Err.Error())
}

// raw appends one wrk run to the type's raw.txt, framed as TFB's scripts
// frame it, with the repeat named when there are several.
func (r *Recorder) raw(e StepFinished) error {
	path, err := r.w.EntryFile(e.Entry, e.Type, "raw.txt")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("write raw file: %w", err)
	}
	title, times := " Running "+e.Step.Label()+" "+e.Entry, ""
	if e.Step.Phase == Measure {
		title = " " + e.Step.Label() + " for " + e.Entry
		times = fmt.Sprintf("STARTTIME %d\nENDTIME %d\n", e.Started.Unix(), e.Ended.Unix())
	}
	if e.Passes > 1 {
		title += fmt.Sprintf(" (repeat %d of %d)", e.Pass, e.Passes)
	}
	const rule = "---------------------------------------------------------"
	text := "\n" + rule + "\n" + title + "\n " + e.CommandLine + "\n" + rule + "\n\n" + e.Output + times
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write raw file: %w", err)
	}
	return nil
}

// profiles writes the level's profiles as ENTRY/TYPE/KIND-LEVEL.pprof and
// lists them in results.json.
func (r *Recorder) profiles(e LevelMeasured) error {
	key := runs.LevelKey(e.Type, e.Result)
	for _, c := range e.Profiles {
		name := fmt.Sprintf("%s-%d.pprof", c.Kind, key)
		path, err := r.w.EntryFile(e.Entry, e.Type, name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, c.Data, 0o644); err != nil {
			return fmt.Errorf("write profile: %w", err)
		}
		p := results.Profile{Kind: c.Kind, Level: key, File: e.Entry + "/" + string(e.Type) + "/" + name, Seconds: c.Seconds}
		if err := r.w.AddProfile(e.Entry, e.Type, p); err != nil {
			return err
		}
	}
	return nil
}

// bestLevels gives the key of each entry's best level of each type, by
// runs, from results.json as it is.
func (r *Recorder) bestLevels() func(tt, entry string) (int, bool) {
	run := runs.NewRun(r.w.File(), r.w.Document())
	return func(tt, entry string) (int, bool) {
		m, ok := run.Best(config.TestType(tt), entry)
		return m.Level, ok
	}
}
