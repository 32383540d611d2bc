package runs

import (
	"path/filepath"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
)

// CPU is the kind of a CPU profile (results.Profile.Kind).
const CPU = "cpu"

// ProfileFile is a pprof file of a run with where it lies.
type ProfileFile struct {
	results.Profile
	// Path is the file's path: the run's directory joined with
	// Profile.File.
	Path string
}

// BestProfile returns the profile of kind that the run took of entry at
// its best level of tt: the one marked best or, in a run that stopped
// before marking, the one at the level Best finds. false when there is
// none, or the run was given without its directory.
func (r Run) BestProfile(tt config.TestType, entry, kind string) (ProfileFile, bool) {
	if r.Path == "" {
		return ProfileFile{}, false
	}
	ps := r.Doc.Profiles[string(tt)][entry]
	found := -1
	for i, p := range ps {
		if p.Kind == kind && p.Best {
			found = i
		}
	}
	if found < 0 {
		if best, ok := r.Best(tt, entry); ok {
			for i, p := range ps {
				if p.Kind == kind && p.Level == best.Level {
					found = i
				}
			}
		}
	}
	if found < 0 {
		return ProfileFile{}, false
	}
	return ProfileFile{Profile: ps[found], Path: filepath.Join(r.Dir(), filepath.FromSlash(ps[found].File))}, true
}

// ProfiledEntries lists the entries of tt with a best profile of kind, in
// the run's order of entries.
func (r Run) ProfiledEntries(tt config.TestType, kind string) []string {
	var out []string
	for _, e := range r.EntriesInOrder(tt) {
		if _, ok := r.BestProfile(tt, e, kind); ok {
			out = append(out, e)
		}
	}
	return out
}
