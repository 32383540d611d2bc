// Package stats summarises repeated measurements and decides whether two
// sets of them differ beyond noise.
//
// The rule is deliberately simple and stated once (Rule): one set is faster
// than another only when their min–max ranges do not overlap, and only when
// each has at least two samples. With three samples each, non-overlapping
// ranges are a Mann–Whitney U of 0, which has a two-sided p of 0.1; with five
// each, p = 0.008.
package stats

import (
	"math"
	"slices"
)

// Rule says in words how Compare and Fastest decide.
const Rule = "a difference is claimed only when the min–max ranges of the two sets of repeats do not overlap, each set holding at least 2 repeats (3 each: Mann–Whitney U = 0, two-sided p = 0.1; 5 each: p = 0.008)"

// MinSamples is the fewest samples per set for which Compare makes a claim.
const MinSamples = 2

// Summary describes one set of samples.
type Summary struct {
	N                      int
	Median, Min, Max, Mean float64
	// Stdev is the sample standard deviation (n-1); 0 for fewer than two samples.
	Stdev float64
}

// Summarize describes xs; the zero Summary for no samples.
func Summarize(xs []float64) Summary {
	if len(xs) == 0 {
		return Summary{}
	}
	s := Summary{N: len(xs), Min: slices.Min(xs), Max: slices.Max(xs), Median: Median(xs)}
	for _, x := range xs {
		s.Mean += x
	}
	s.Mean /= float64(len(xs))
	if len(xs) > 1 {
		var ss float64
		for _, x := range xs {
			ss += (x - s.Mean) * (x - s.Mean)
		}
		s.Stdev = math.Sqrt(ss / float64(len(xs)-1))
	}
	return s
}

// RelativeSpread is (Max-Min)/Median, the spread as a fraction of the
// median; 0 when the median is 0.
func (s Summary) RelativeSpread() float64 {
	if s.Median == 0 {
		return 0
	}
	return (s.Max - s.Min) / s.Median
}

// Median is the middle of xs (the mean of the two middle values for an even
// count); 0 for no samples. xs is not modified.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// MedianIndex returns the index in xs of its median sample, the lower of the
// two middle ones for an even count, so that a measured sample (not an
// average) can stand for the set; -1 for no samples.
func MedianIndex(xs []float64) int {
	if len(xs) == 0 {
		return -1
	}
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case xs[a] < xs[b]:
			return -1
		case xs[a] > xs[b]:
			return 1
		}
		return 0
	})
	return idx[(len(xs)-1)/2]
}

// Verdict is the outcome of comparing two sets of samples.
type Verdict int

// Verdicts. NoClaim means too few samples to say anything.
const (
	NoClaim Verdict = iota
	WithinNoise
	Faster
	Slower
)

func (v Verdict) String() string {
	switch v {
	case WithinNoise:
		return "within noise"
	case Faster:
		return "faster"
	case Slower:
		return "slower"
	}
	return "no claim"
}

// Compare says whether other is faster than, slower than or within the noise
// of base, higher being faster (requests per second), by Rule.
func Compare(base, other []float64) Verdict {
	if len(base) < MinSamples || len(other) < MinSamples {
		return NoClaim
	}
	switch {
	case slices.Min(other) > slices.Max(base):
		return Faster
	case slices.Max(other) < slices.Min(base):
		return Slower
	}
	return WithinNoise
}

// Fastest returns the index of the set with the highest median and whether
// it is faster than every other set by Rule: Faster when it is, WithinNoise
// when some other set overlaps it, NoClaim when any set has too few samples
// (or there are fewer than two sets). index is -1 for no sets.
func Fastest(sets [][]float64) (index int, v Verdict) {
	index = -1
	best := math.Inf(-1)
	for i, s := range sets {
		if m := Median(s); len(s) > 0 && m > best {
			index, best = i, m
		}
	}
	if index < 0 || len(sets) < 2 {
		return index, NoClaim
	}
	v = Faster
	for i, s := range sets {
		if i == index {
			continue
		}
		switch Compare(s, sets[index]) {
		case NoClaim:
			return index, NoClaim
		case WithinNoise, Slower:
			v = WithinNoise
		}
	}
	return index, v
}

// KendallTau is Kendall's rank correlation τ-b of the paired values x and
// y: 1 when every pair of items is ordered alike by both, -1 when every
// pair is ordered oppositely, with ties corrected for as τ-b does. ok is
// false with fewer than two pairs, unequal lengths, or when x or y ties
// everything (τ is then undefined).
func KendallTau(x, y []float64) (tau float64, ok bool) {
	n := len(x)
	if n < 2 || len(y) != n {
		return 0, false
	}
	var concordant, discordant, tiesX, tiesY float64
	for i := range n {
		for j := i + 1; j < n; j++ {
			dx, dy := x[i]-x[j], y[i]-y[j]
			switch {
			case dx == 0 && dy == 0:
			case dx == 0:
				tiesX++
			case dy == 0:
				tiesY++
			case (dx > 0) == (dy > 0):
				concordant++
			default:
				discordant++
			}
		}
	}
	den := math.Sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY))
	if den == 0 {
		return 0, false
	}
	return (concordant - discordant) / den, true
}
