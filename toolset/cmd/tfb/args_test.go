package main

import (
	"flag"
	"io"
	"slices"
	"testing"
)

func TestNormalizeArgs(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"TFB style space-separated values",
			[]string{"--test", "gin", "echo", "--type", "json", "plaintext", "--duration", "2"},
			[]string{"--test=gin", "--test=echo", "--type=json", "--type=plaintext", "--duration", "2"}},
		{"equals form kept",
			[]string{"--type=json", "--concurrency-levels=16,32"},
			[]string{"--type=json", "--concurrency-levels=16,32"}},
		{"single dash",
			[]string{"-test", "gin", "-v"},
			[]string{"--test=gin", "-v"}},
		{"levels then another flag",
			[]string{"--concurrency-levels", "16", "32", "--pipeline-concurrency-levels", "64", "--runtime", "local"},
			[]string{"--concurrency-levels=16", "--concurrency-levels=32", "--pipeline-concurrency-levels=64", "--runtime", "local"}},
		{"flag without value left for the flag package",
			[]string{"--test", "--type", "json"},
			[]string{"--test", "--type=json"}},
		{"single-value flags untouched",
			[]string{"--results-dir", "out", "--runtime", "docker"},
			[]string{"--results-dir", "out", "--runtime", "docker"}},
		{"double dash stops rewriting",
			[]string{"--", "--type", "json"},
			[]string{"--", "--type", "json"}},
		{"empty", nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalizeArgs(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("normalizeArgs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestListFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		types   []string
		levels  []int
		wantErr bool
	}{
		{"defaults", nil, []string{"all"}, []int{16, 32}, false},
		{"space separated", []string{"--type", "json", "db", "--concurrency-levels", "64", "128"}, []string{"json", "db"}, []int{64, 128}, false},
		{"comma lists and repeats", []string{"--type=json,db", "--type", "plaintext", "--concurrency-levels=8,9"}, []string{"json", "db", "plaintext"}, []int{8, 9}, false},
		{"bad level", []string{"--concurrency-levels", "x"}, nil, nil, true},
		{"zero level", []string{"--concurrency-levels", "0"}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			types := &listFlag{values: []string{"all"}}
			levels := &intListFlag{values: []int{16, 32}}
			fs.Var(types, "type", "")
			fs.Var(levels, "concurrency-levels", "")
			err := fs.Parse(normalizeArgs(tt.args))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse error = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if !slices.Equal(types.values, tt.types) || !slices.Equal(levels.values, tt.levels) {
				t.Errorf("got types %q levels %v, want %q %v", types.values, levels.values, tt.types, tt.levels)
			}
		})
	}
}
