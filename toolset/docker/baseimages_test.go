package docker

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestDockerfileBases(t *testing.T) {
	tests := []struct {
		name       string
		dockerfile string
		args       map[string]string
		want       []string
	}{
		{"plain", "FROM debian:bookworm-slim\nRUN true\n", nil, []string{"debian:bookworm-slim"}},
		{"arg default", "ARG BASE=debian:bookworm-slim\nFROM ${BASE}\n", nil, []string{"debian:bookworm-slim"}},
		{"arg given", "ARG BASE=debian:bookworm-slim\nFROM $BASE\n", map[string]string{"BASE": "debian:trixie"}, []string{"debian:trixie"}},
		{"quoted default", "ARG BASE=\"alpine:3\"\nFROM ${BASE}\n", nil, []string{"alpine:3"}},
		{"stages and scratch", "FROM golang:1 AS build\nFROM build AS pick\nFROM scratch\n", nil, []string{"golang:1"}},
		{"stage names are case-insensitive", "FROM golang:1 as Build\nFROM build\n", nil, []string{"golang:1"}},
		{"platform flag", "FROM --platform=linux/amd64 debian:12\n", nil, []string{"debian:12"}},
		{"stage ARG is not global", "FROM a:1\nARG X=b:2\nFROM ${X}\n", nil, []string{"a:1"}},
		{"comments and repeats", "# FROM x:1\nFROM a:1\nFROM a:1\n", nil, []string{"a:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := dockerfileBases([]byte(tt.dockerfile), tt.args)
			if !slices.Equal(got, tt.want) {
				t.Errorf("bases = %q, want %q", got, tt.want)
			}
		})
	}
}

// The project's own builds: what CopyMissingImages must bring to an engine.
func TestBaseImagesOfTheProjectsBuilds(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GO_IMAGE", "")
	t.Setenv("DEBIAN_IMAGE", "")
	os.Unsetenv("GO_IMAGE")
	os.Unsetenv("DEBIAN_IMAGE")
	tests := []struct {
		build Build
		want  []string
	}{
		{EntryBuild("nethttp"), []string{"golang:1.26-bookworm"}},
		{DatabaseBuild(), []string{"debian:bookworm-slim"}},
		{Build{Files: map[string][]byte{"Dockerfile": []byte("ARG BASE_IMAGE=debian:bookworm-slim\nFROM ${BASE_IMAGE}\n")}, Dockerfile: "Dockerfile", Args: map[string]string{"BASE_IMAGE": "debian:x"}}, []string{"debian:x"}},
	}
	for _, tt := range tests {
		got, err := BaseImages(root, tt.build)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s %s: bases = %q, want %q", tt.build.Dir, tt.build.Dockerfile, got, tt.want)
		}
	}
}
