// Package profiles reads the pprof files a run captured (tfb benchmark
// --pprof) with github.com/google/pprof/profile and computes what the views
// show of them: the top functions by flat and cumulative share of the
// samples, the call tree a flame graph draws, and the differential of two
// profiles (which functions took a larger or smaller share).
package profiles

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/google/pprof/profile"
)

// Profile is one pprof file reduced to what the views need: its samples as
// stacks of function names, root first, each with its value.
type Profile struct {
	// SampleType names what a sample's value counts, as pprof does: for a
	// CPU profile "cpu" in "nanoseconds".
	SampleType string
	Unit       string
	// Total is the sum of every sample's value.
	Total int64
	// Stacks are the samples, each a call stack from the root to the
	// function running when the sample was taken (inlined calls included).
	Stacks []Stack
}

// Stack is one sample (or several with the same stack, summed).
type Stack struct {
	Frames []string // function names, root first
	Value  int64
}

// Read parses the pprof file at path (gzipped or not, as pprof writes it)
// and keeps the values of its default sample type: the last one, or the
// one the file names as default (a heap profile's inuse_space).
func Read(path string) (Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return Profile{}, fmt.Errorf("read profile: %w", err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return Profile{}, fmt.Errorf("read profile %s: %w", path, err)
	}
	out, err := fromPprof(p)
	if err != nil {
		return Profile{}, fmt.Errorf("read profile %s: %w", path, err)
	}
	return out, nil
}

// fromPprof turns a parsed profile into stacks of names.
func fromPprof(p *profile.Profile) (Profile, error) {
	if len(p.SampleType) == 0 {
		return Profile{}, errors.New("the profile has no sample type")
	}
	idx := len(p.SampleType) - 1
	if p.DefaultSampleType != "" {
		for i, st := range p.SampleType {
			if st.Type == p.DefaultSampleType {
				idx = i
			}
		}
	}
	out := Profile{SampleType: p.SampleType[idx].Type, Unit: p.SampleType[idx].Unit}
	merged := map[string]int{} // joined frames → index into out.Stacks
	for _, s := range p.Sample {
		v := s.Value[idx]
		if v == 0 {
			continue
		}
		frames := framesOf(s)
		key := fmt.Sprintf("%q", frames)
		if i, ok := merged[key]; ok {
			out.Stacks[i].Value += v
		} else {
			merged[key] = len(out.Stacks)
			out.Stacks = append(out.Stacks, Stack{Frames: frames, Value: v})
		}
		out.Total += v
	}
	return out, nil
}

// framesOf is a sample's call stack, root first. pprof lists the
// locations leaf first, and within a location the inlined functions
// innermost first.
func framesOf(s *profile.Sample) []string {
	var leafFirst []string
	for _, loc := range s.Location {
		if len(loc.Line) == 0 {
			leafFirst = append(leafFirst, fmt.Sprintf("0x%x", loc.Address))
			continue
		}
		for _, l := range loc.Line {
			name := "?"
			if l.Function != nil {
				name = cmp.Or(l.Function.Name, l.Function.SystemName, "?")
			}
			leafFirst = append(leafFirst, name)
		}
	}
	slices.Reverse(leafFirst)
	return leafFirst
}

// Func is one function's part of a profile.
type Func struct {
	Name string `json:"name"`
	// Flat is the value of the samples taken while the function itself
	// ran; Cum that of the samples with the function anywhere on the
	// stack (counted once per sample when it recurses).
	Flat int64 `json:"flat"`
	Cum  int64 `json:"cum"`
	// FlatShare and CumShare are Flat and Cum over the profile's total.
	FlatShare float64 `json:"flatShare"`
	CumShare  float64 `json:"cumShare"`
}

// Funcs returns every function of the profile with its flat and cumulative
// values and shares, the largest flat value first (then the largest
// cumulative, then by name).
func (p Profile) Funcs() []Func {
	byName := map[string]*Func{}
	get := func(name string) *Func {
		f, ok := byName[name]
		if !ok {
			f = &Func{Name: name}
			byName[name] = f
		}
		return f
	}
	for _, s := range p.Stacks {
		if len(s.Frames) == 0 {
			continue
		}
		get(s.Frames[len(s.Frames)-1]).Flat += s.Value
		seen := map[string]bool{}
		for _, name := range s.Frames {
			if !seen[name] {
				seen[name] = true
				get(name).Cum += s.Value
			}
		}
	}
	out := make([]Func, 0, len(byName))
	for _, f := range byName {
		f.FlatShare, f.CumShare = share(f.Flat, p.Total), share(f.Cum, p.Total)
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Func) int {
		return cmp.Or(cmp.Compare(b.Flat, a.Flat), cmp.Compare(b.Cum, a.Cum), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// Order says which value Top ranks functions by.
type Order int

// Orders of Top.
const (
	ByFlat Order = iota
	ByCum
)

// Top returns the n functions with the largest flat (ByFlat) or cumulative
// (ByCum) value, all of them when n ≤ 0.
func (p Profile) Top(n int, by Order) []Func {
	fs := p.Funcs()
	if by == ByCum {
		slices.SortStableFunc(fs, func(a, b Func) int { return cmp.Compare(b.Cum, a.Cum) })
	}
	if n > 0 && len(fs) > n {
		fs = fs[:n]
	}
	return fs
}

// share is part over total, 0 when total is.
func share(part, total int64) float64 {
	if total == 0 {
		return 0
	}
	return float64(part) / float64(total)
}

// ReadIfPresent is Read, with false and no error when the file does not
// exist: a run's directory copied without its profiles.
func ReadIfPresent(path string) (Profile, bool, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return Profile{}, false, nil
	}
	p, err := Read(path)
	return p, err == nil, err
}
