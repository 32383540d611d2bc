package tfbrepo

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/go-tfb/suite/toolset/config"
)

// Dockerfile is a test's dockerfile as Docker's own parser reads it
// (BuildKit's frontend/dockerfile), with its stages' base images resolved.
type Dockerfile struct {
	// Path is the file, absolute.
	Path string
	// Stages are the FROM stages in file order.
	Stages []instructions.Stage
	// Bases are the stages' bases, one per stage.
	Bases []Base

	source []byte
	ast    *parser.Node
	args   map[string]string // the build's arguments
}

// Base is what a stage starts from: an image, or an earlier stage.
type Base struct {
	// Image is the base image, ARGs expanded ("golang:1.24.2"); empty when
	// the stage starts from an earlier one or from scratch.
	Image string
	// Stage is the index of the earlier stage it starts from, or -1.
	Stage int
	// Scratch is set for FROM scratch.
	Scratch bool
}

// BuildArgs are the build arguments TFB's toolset passes to every test's
// build (toolset/utils/docker_helper.py: BENCHMARK_ENV, TFB_TEST_NAME,
// TFB_TEST_DATABASE).
func BuildArgs(test config.Test) map[string]string {
	name := strings.TrimPrefix(test.Name, config.TFBPrefix)
	if test.Origin != nil {
		name = test.Origin.TestName
	}
	return map[string]string{"BENCHMARK_ENV": "Not specified", "TFB_TEST_NAME": name, "TFB_TEST_DATABASE": test.Database}
}

// ReadDockerfile reads and parses the test's dockerfile, with the build
// arguments args.
func ReadDockerfile(o *config.Origin, args map[string]string) (*Dockerfile, error) {
	path := filepath.Join(o.Dir, o.Dockerfile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the test's dockerfile: %w", err)
	}
	return parseDockerfile(path, data, args)
}

func parseDockerfile(path string, data []byte, args map[string]string) (*Dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(stages) == 0 {
		return nil, fmt.Errorf("%s: no FROM line", path)
	}
	d := &Dockerfile{Path: path, Stages: stages, source: data, ast: res.AST, args: maps.Clone(args)}
	// Global ARGs (before the first FROM) expand in FROM lines, overridden
	// by the build's arguments.
	globals := map[string]string{}
	lex := shell.NewLex(res.EscapeToken)
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			v := ""
			if kv.Value != nil {
				v, _, _ = lex.ProcessWord(*kv.Value, shell.EnvsFromSlice(envSlice(globals)))
			}
			if given, ok := args[kv.Key]; ok {
				v = given
			}
			globals[kv.Key] = v
		}
	}
	names := map[string]int{}
	for i, s := range stages {
		base, _, err := lex.ProcessWord(s.BaseName, shell.EnvsFromSlice(envSlice(globals)))
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: FROM %s: %w", path, line(s.Location), s.BaseName, err)
		}
		b := Base{Stage: -1}
		if j, ok := names[strings.ToLower(base)]; ok {
			b.Stage = j
		} else if strings.EqualFold(base, "scratch") {
			b.Scratch = true
		} else {
			b.Image = base
		}
		d.Bases = append(d.Bases, b)
		if s.Name != "" {
			names[strings.ToLower(s.Name)] = i
		}
		names[strconv.Itoa(i)] = i
	}
	return d, nil
}

// envSlice turns a map into KEY=VALUE lines.
func envSlice(m map[string]string) []string {
	var s []string
	for k, v := range m {
		s = append(s, k+"="+v)
	}
	return s
}

// line is the first line of a command's location (1-based), 0 if unknown.
func line(loc []parser.Range) int {
	if len(loc) == 0 {
		return 0
	}
	return loc[0].Start.Line
}

// stageIndex resolves a COPY --from value: a stage's name or index; -1 when
// it names an image instead.
func (d *Dockerfile) stageIndex(from string, before int) int {
	for i := range before {
		if strings.EqualFold(d.Stages[i].Name, from) || strconv.Itoa(i) == from {
			return i
		}
	}
	return -1
}

// needed are the stages the last one depends on (through FROM and COPY
// --from), itself included, in file order: the stages a build runs.
func (d *Dockerfile) needed() []int {
	need := map[int]bool{}
	var visit func(i int)
	visit = func(i int) {
		if need[i] {
			return
		}
		need[i] = true
		if b := d.Bases[i]; b.Stage >= 0 {
			visit(b.Stage)
		}
		for _, c := range d.Stages[i].Commands {
			if cp, ok := c.(*instructions.CopyCommand); ok && cp.From != "" {
				if j := d.stageIndex(cp.From, i); j >= 0 {
					visit(j)
				}
			}
		}
	}
	visit(len(d.Stages) - 1)
	var out []int
	for i := range d.Stages {
		if need[i] {
			out = append(out, i)
		}
	}
	return out
}

// goImage matches an official Go image and captures its version: golang,
// docker.io/golang, docker.io/library/golang, with a tag such as 1.15,
// 1.24.2-alpine or 1.25-alpine3.22.
var goImage = regexp.MustCompile(`^(?:(?:docker\.io/)?(?:library/)?)golang(?::(\d+)\.(\d+)[^@]*)?(?:@.*)?$`)

// IsGoImage reports whether image is an official Go image.
func IsGoImage(image string) bool { return goImage.MatchString(image) }

// goVersion is the Go version of an official Go image's tag as major and
// minor; ok is false for any other image or a tag without a version
// ("latest", "alpine"), taken as a current Go.
func goVersion(image string) (major, minor int, ok bool) {
	m := goImage.FindStringSubmatch(image)
	if m == nil || m[1] == "" {
		return 0, 0, false
	}
	major, _ = strconv.Atoi(m[1])
	minor, _ = strconv.Atoi(m[2])
	return major, minor, true
}

// goOlderThan reports whether stage i's Go (of its own or an earlier
// stage's official Go image) is older than 1.minor.
func (d *Dockerfile) goOlderThan(i, minor int) bool {
	for d.Bases[i].Stage >= 0 {
		i = d.Bases[i].Stage
	}
	ma, mi, ok := goVersion(d.Bases[i].Image)
	return ok && ma == 1 && mi < minor
}

// goStage reports whether stage i starts, itself or through earlier
// stages, from an official Go image.
func (d *Dockerfile) goStage(i int) bool {
	for d.Bases[i].Stage >= 0 {
		i = d.Bases[i].Stage
	}
	return IsGoImage(d.Bases[i].Image)
}
