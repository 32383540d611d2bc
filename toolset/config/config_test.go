package config

import (
	"slices"
	"testing"
)

func TestTakesCount(t *testing.T) {
	want := map[TestType]bool{
		JSON: false, DB: false, Query: true, Fortune: false, Update: true, Plaintext: false, CachedQuery: true,
	}
	for _, tt := range TestTypes {
		if got := tt.TakesCount(); got != want[tt] {
			t.Errorf("%s.TakesCount() = %v, want %v", tt, got, want[tt])
		}
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		name  string
		tests []Test
		want  []string
	}{
		{"none", nil, []string{}},
		{"one", []Test{{Name: "gin"}}, []string{"gin"}},
		{"in their order", []Test{{Name: "gin"}, {Name: "echo"}, {Name: "chi"}}, []string{"gin", "echo", "chi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Names(tt.tests); !slices.Equal(got, tt.want) {
				t.Errorf("Names(%v) = %q, want %q", tt.tests, got, tt.want)
			}
		})
	}
}
