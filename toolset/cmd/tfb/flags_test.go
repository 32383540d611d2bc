package main

import "testing"

func TestSuggestFlag(t *testing.T) {
	benchmark, _ := lookupCommand("benchmark")
	tests := []struct {
		typed, want string
	}{
		{"duraton", "duration"},
		{"durations", "duration"},
		{"tset", "test"},
		{"exlude", "exclude"},
		{"concurency-levels", "concurrency-levels"},
		{"resuls-dir", "results-dir"},
		{"nope", ""},
		{"x", ""},
		{"completely-different", ""},
	}
	for _, tt := range tests {
		if got := suggestFlag(tt.typed, benchmark.flags); got != tt.want {
			t.Errorf("suggestFlag(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3}, {"duration", "duration", 0},
		{"duraton", "duration", 1}, {"tset", "test", 1}, {"ca", "abc", 3}, {"kitten", "sitting", 3},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
