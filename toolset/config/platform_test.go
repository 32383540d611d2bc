package config

import (
	"maps"
	"testing"
)

func TestPlatformEntries(t *testing.T) {
	c := Config{Tests: []Test{
		{Name: "nethttp", Platform: "Go", Classification: PlatformClassification},
		{Name: "gin", Platform: "Go", Classification: "Micro"},
		{Name: "fiber", Platform: "fasthttp", Classification: "Micro"},
		{Name: "fasthttp", Platform: "fasthttp", Classification: PlatformClassification},
		{Name: "hertz", Platform: "hertz", Classification: "Micro"},
		{Name: "unset", Classification: PlatformClassification},
	}}
	want := map[string]string{"gin": "nethttp", "fiber": "fasthttp"}
	if got := c.PlatformEntries(); !maps.Equal(got, want) {
		t.Errorf("PlatformEntries = %v, want %v", got, want)
	}
}
