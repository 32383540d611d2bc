package compare

import (
	"fmt"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/profiles"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/summary"
	"github.com/go-tfb/suite/toolset/table"
)

// TopProfileFunctions is how many functions a profile table sets side by
// side: those with the largest flat share in either profile.
const TopProfileFunctions = 12

// ProfileGroup is the CPU profiles at the best level of one test type in
// two places side by side: one entry in two runs, or two entries of one
// run.
type ProfileGroup struct {
	Type string `json:"type"`
	// Entry is the entry of runs side by side; empty for two entries.
	Entry string `json:"entry,omitempty"`
	// Base and Other name the two sides: the runs' labels, or the entries.
	Base  string `json:"base"`
	Other string `json:"other"`
	// Functions are the functions with the largest flat share in either
	// profile, with their shares in both and the change.
	Functions []profiles.Change `json:"functions"`
}

// profileGroup reads the two profiles and sets them side by side; false
// when either side has no CPU profile (or its file is not there).
func profileGroup(tt config.TestType, base, other side) (ProfileGroup, bool, error) {
	a, okA, err := readCPU(base, tt)
	if err != nil || !okA {
		return ProfileGroup{}, false, err
	}
	b, okB, err := readCPU(other, tt)
	if err != nil || !okB {
		return ProfileGroup{}, false, err
	}
	return ProfileGroup{
		Type: string(tt), Base: base.name, Other: other.name,
		Functions: profiles.TopChanges(profiles.Diff(a, b), TopProfileFunctions),
	}, true, nil
}

// side is one entry of one run, named as the table shows it.
type side struct {
	run   runs.Run
	entry string
	name  string
}

// readCPU reads the entry's CPU profile at its best level of tt.
func readCPU(s side, tt config.TestType) (profiles.Profile, bool, error) {
	f, ok := s.run.BestProfile(tt, s.entry, runs.CPU)
	if !ok {
		return profiles.Profile{}, false, nil
	}
	p, ok, err := profiles.ReadIfPresent(f.Path)
	if err != nil {
		return profiles.Profile{}, false, fmt.Errorf("%s, %s %s: %w", s.run.Path, s.entry, tt, err)
	}
	return p, ok, nil
}

// runProfiles sets the CPU profiles of every group's entry and type in the
// base run beside those of each other run that has them.
func runProfiles(rs []runs.Run, infos []RunInfo, groups []Group) ([]ProfileGroup, error) {
	var out []ProfileGroup
	for _, g := range groups {
		tt := config.TestType(g.Type)
		for i := 1; i < len(rs); i++ {
			pg, ok, err := profileGroup(tt, side{rs[0], g.Entry, infos[0].Label}, side{rs[i], g.Entry, infos[i].Label})
			if err != nil {
				return nil, err
			}
			if ok {
				pg.Entry = g.Entry
				out = append(out, pg)
			}
		}
	}
	return out, nil
}

// Table is the group as a table of package summary's.
func (g ProfileGroup) Table() table.Table {
	title := fmt.Sprintf("%s, %s: CPU profile, %s beside %s", g.Type, g.Entry, g.Other, g.Base)
	if g.Entry == "" {
		title = fmt.Sprintf("%s: CPU profile, %s beside %s", g.Type, g.Other, g.Base)
	}
	t := summary.ProfileChanges(title, g.Base, g.Other, g.Functions)
	t.Caption = fmt.Sprintf("The %d functions with the largest flat share in either profile, taken at each one's best level.", len(g.Functions))
	return t
}
