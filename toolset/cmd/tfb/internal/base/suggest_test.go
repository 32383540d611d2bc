package base

import "testing"

func TestClosestFlag(t *testing.T) {
	names := []string{"test", "exclude", "type", "duration", "concurrency-levels", "pipeline-concurrency-levels",
		"no-primer", "no-warmup", "results-dir", "results-name", "framework"}
	tests := []struct {
		typed, want string
	}{
		{"duraton", "duration"},
		{"durations", "duration"},
		{"tset", "test"},
		{"exlude", "exclude"},
		{"concurency-levels", "concurrency-levels"},
		{"resuls-dir", "results-dir"},
		{"frame", "framework"}, // the one flag it abbreviates
		{"no", ""},             // abbreviates several
		{"results", ""},        // abbreviates several
		{"nope", ""},
		{"x", ""},
		{"completely-different", ""},
	}
	for _, tt := range tests {
		if got := closestFlag(tt.typed, names); got != tt.want {
			t.Errorf("closestFlag(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

func TestSuggestCommand(t *testing.T) {
	commands := []*Command{{Name: "list"}, {Name: "verify"}, {Name: "benchmark"}, {Name: "version"}}
	tests := []struct {
		typed, want string
	}{
		{"bench", "benchmark"}, {"verfy", "verify"}, {"lsit", "list"}, {"ver", "verify"}, {"zzzzzz", ""},
	}
	for _, tt := range tests {
		if got := suggestCommand(tt.typed, commands); got != tt.want {
			t.Errorf("suggestCommand(%q) = %q, want %q", tt.typed, got, tt.want)
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
