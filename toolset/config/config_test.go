package config

import "testing"

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
