package benchmark

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
)

func samples(perLevel ...[]float64) [][]float64 { return perLevel }

func TestPrintTableClaims(t *testing.T) {
	tests := []struct {
		name     string
		outcomes []Outcome
		want     []string // substrings of the output
		wantNot  []string
	}{
		{
			name: "one sample: no mark, and the table says no claim can be made",
			outcomes: []Outcome{
				{Entry: "gin", Samples: map[config.TestType][][]float64{config.JSON: samples([]float64{100}, []float64{150})}},
				{Entry: "echo", Samples: map[config.TestType][][]float64{config.JSON: samples([]float64{200})}},
			},
			want:    []string{"150", "200", "json: no claim about the fastest can be made from one measurement per level (echo has the highest)"},
			wantNot: []string{"*", "–"},
		},
		{
			name: "repeats apart: the fastest is marked, with the rule",
			outcomes: []Outcome{
				{Entry: "gin", Samples: map[config.TestType][][]float64{config.JSON: samples([]float64{100, 110, 105})}},
				{Entry: "echo", Samples: map[config.TestType][][]float64{config.JSON: samples([]float64{200, 190, 210})}},
			},
			want:    []string{"*200 (190–210)", "105 (100–110)", "* marks the fastest entry of a type: a difference is claimed only when"},
			wantNot: []string{"no entry is fastest", "no claim"},
		},
		{
			name: "repeats overlapping: no mark, and why",
			outcomes: []Outcome{
				{Entry: "gin", Samples: map[config.TestType][][]float64{config.JSON: samples([]float64{100, 195, 150})}},
				{Entry: "echo", Samples: map[config.TestType][][]float64{config.JSON: samples([]float64{200, 190, 210})}},
			},
			want:    []string{"200 (190–210)", "150 (100–195)", "json: no entry is fastest: echo has the highest median, but its range overlaps another entry's"},
			wantNot: []string{"*"},
		},
		{
			name: "best level is the highest median, not the highest sample",
			outcomes: []Outcome{
				{Entry: "gin", Samples: map[config.TestType][][]float64{config.JSON: samples([]float64{10, 500, 20}, []float64{100, 110, 120})}},
			},
			want:    []string{"110 (100–120)"},
			wantNot: []string{"500", "*"},
		},
		{
			name: "types nobody ran are left out; missing results are '-'",
			outcomes: []Outcome{
				{Entry: "gin", Samples: map[config.TestType][][]float64{config.JSON: samples([]float64{100}), config.Plaintext: samples([]float64{900})}},
				{Entry: "echo", Samples: map[config.TestType][][]float64{config.JSON: samples([]float64{200})}},
			},
			want:    []string{"json", "plaintext", "-"},
			wantNot: []string{"db", "fortune"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := PrintTable(&b, tt.outcomes); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("table lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("table has %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestPrintTableWithoutResults(t *testing.T) {
	var b bytes.Buffer
	if err := PrintTable(&b, []Outcome{{Entry: "gin"}}); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "No benchmark results.\n" {
		t.Errorf("got %q", got)
	}
}
