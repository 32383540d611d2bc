package stats

import (
	"math"
	"testing"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want Summary
	}{
		{"none", nil, Summary{}},
		{"one", []float64{5}, Summary{N: 1, Median: 5, Min: 5, Max: 5, Mean: 5}},
		{"odd", []float64{3, 1, 2}, Summary{N: 3, Median: 2, Min: 1, Max: 3, Mean: 2, Stdev: 1}},
		{"even", []float64{4, 1, 3, 2}, Summary{N: 4, Median: 2.5, Min: 1, Max: 4, Mean: 2.5, Stdev: math.Sqrt(5.0 / 3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.in)
			if got.N != tt.want.N || got.Median != tt.want.Median || got.Min != tt.want.Min ||
				got.Max != tt.want.Max || got.Mean != tt.want.Mean || math.Abs(got.Stdev-tt.want.Stdev) > 1e-12 {
				t.Errorf("Summarize(%v) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestRelativeSpread(t *testing.T) {
	if got := Summarize([]float64{90, 100, 110}).RelativeSpread(); got != 0.2 {
		t.Errorf("spread = %v, want 0.2", got)
	}
	if got := (Summary{}).RelativeSpread(); got != 0 {
		t.Errorf("spread of nothing = %v, want 0", got)
	}
}

func TestMedianIndex(t *testing.T) {
	tests := []struct {
		in   []float64
		want int
	}{
		{nil, -1},
		{[]float64{7}, 0},
		{[]float64{30, 10, 20}, 2},
		{[]float64{40, 10, 30, 20}, 3}, // lower middle: 20
		{[]float64{5, 5, 5}, 1},
	}
	for _, tt := range tests {
		if got := MedianIndex(tt.in); got != tt.want {
			t.Errorf("MedianIndex(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name        string
		base, other []float64
		want        Verdict
	}{
		{"one sample each", []float64{100}, []float64{200}, NoClaim},
		{"one sample in base", []float64{100}, []float64{200, 210}, NoClaim},
		{"apart, faster", []float64{100, 110, 105}, []float64{120, 130, 125}, Faster},
		{"apart, slower", []float64{100, 110, 105}, []float64{80, 90, 85}, Slower},
		{"overlap", []float64{100, 110, 105}, []float64{108, 130, 125}, WithinNoise},
		{"touching", []float64{100, 110}, []float64{110, 120}, WithinNoise},
		{"same", []float64{100, 100}, []float64{100, 100}, WithinNoise},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compare(tt.base, tt.other); got != tt.want {
				t.Errorf("Compare(%v, %v) = %v, want %v", tt.base, tt.other, got, tt.want)
			}
		})
	}
}

func TestFastest(t *testing.T) {
	tests := []struct {
		name      string
		sets      [][]float64
		wantIndex int
		want      Verdict
	}{
		{"none", nil, -1, NoClaim},
		{"single set", [][]float64{{1, 2}}, 0, NoClaim},
		{"single samples", [][]float64{{100}, {200}}, 1, NoClaim},
		{"clear winner", [][]float64{{100, 105, 102}, {200, 210, 190}, {150, 140, 145}}, 1, Faster},
		{"winner overlaps second", [][]float64{{100, 105}, {200, 210}, {205, 195}}, 1, WithinNoise},
		{"empty set ignored for index", [][]float64{{}, {3, 4}}, 1, NoClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, v := Fastest(tt.sets)
			if i != tt.wantIndex || v != tt.want {
				t.Errorf("Fastest(%v) = %d, %v; want %d, %v", tt.sets, i, v, tt.wantIndex, tt.want)
			}
		})
	}
}

func TestVerdictString(t *testing.T) {
	for v, want := range map[Verdict]string{NoClaim: "no claim", WithinNoise: "within noise", Faster: "faster", Slower: "slower"} {
		if v.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(v), v.String(), want)
		}
	}
}

func TestKendallTau(t *testing.T) {
	for _, tc := range []struct {
		name string
		x, y []float64
		tau  float64
		ok   bool
	}{
		{"same order", []float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}, 1, true},
		{"reversed", []float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1, true},
		{"one swap of four", []float64{1, 2, 3, 4}, []float64{1, 3, 2, 4}, 4.0 / 6, true},
		{"a tie (tau-b)", []float64{1, 2, 3}, []float64{1, 1, 2}, 2 / math.Sqrt(6), true},
		{"one pair", []float64{1}, []float64{1}, 0, false},
		{"all tied", []float64{1, 1, 1}, []float64{1, 2, 3}, 0, false},
		{"lengths differ", []float64{1, 2}, []float64{1, 2, 3}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tau, ok := KendallTau(tc.x, tc.y)
			if ok != tc.ok || math.Abs(tau-tc.tau) > 1e-12 {
				t.Errorf("KendallTau = %v, %v; want %v, %v", tau, ok, tc.tau, tc.ok)
			}
		})
	}
}
