package config

import (
	"strings"
	"testing"
)

func TestAcceptHeaders(t *testing.T) {
	tests := []struct {
		tt                 TestType
		load, verify       string
		loadFirst, vrFirst string
	}{
		{JSON, AcceptJSON, AcceptJSON, "application/json", "application/json"},
		{DB, AcceptJSON, AcceptJSON, "application/json", "application/json"},
		{Plaintext, AcceptPlaintext, AcceptPlaintext, "text/plain", "text/plain"},
		{Fortune, AcceptJSON, AcceptHTML, "application/json", "text/html"},
		{CachedQuery, AcceptJSON, AcceptJSON, "application/json", "application/json"},
	}
	for _, tc := range tests {
		t.Run(string(tc.tt), func(t *testing.T) {
			if got := LoadAccept(tc.tt); got != tc.load || !strings.HasPrefix(got, tc.loadFirst+",") {
				t.Errorf("LoadAccept(%s) = %q, want %q", tc.tt, got, tc.load)
			}
			if got := VerifyAccept(tc.tt); got != tc.verify || !strings.HasPrefix(got, tc.vrFirst+",") {
				t.Errorf("VerifyAccept(%s) = %q, want %q", tc.tt, got, tc.verify)
			}
		})
	}
}
