package tfbrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/go-tfb/suite/toolset/config"
)

// Options configure Build.
type Options struct {
	// Dir is an empty scratch directory: stage N's file system is laid out
	// in Dir/stage-N.
	Dir string
	// Log receives every step, what the build does differently from
	// Docker, and the steps' output.
	Log io.Writer
	// GoModCache, when set, is the module cache of the build's go commands
	// (made writable, so that it can be removed); by default this
	// machine's own.
	GoModCache string
}

// Result is a test built on this machine from its dockerfile.
type Result struct {
	// Dockerfile is the dockerfile followed.
	Dockerfile *Dockerfile
	// Command is what the image would run — its ENTRYPOINT, then its CMD —
	// with the image's paths this machine's copies.
	Command []string
	// Dir is the directory it runs in (the last stage's WORKDIR, mapped).
	Dir string
	// Env is its environment beyond this process's (the last stage's ENV,
	// mapped).
	Env []string
	// Notes say what the build did differently from a Docker build, one
	// line each.
	Notes []string
	// ModMod reports that the go commands ran with -mod=mod.
	ModMod bool
}

// StepError is a step of the dockerfile that failed or cannot be followed.
type StepError struct {
	// Step is the dockerfile's line as written, and Line its number.
	Step string
	Line int
	// Output is what the step printed, when it ran.
	Output string
	Err    error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("line %d: %s: %v", e.Line, e.Step, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// stage is one stage's file system and settings as the build goes.
type stage struct {
	root    string   // this machine's directory for the image's /
	workdir string   // in the image
	env     []string // KEY=VALUE in the image's terms, in order
	args    map[string]string
	created []string // the image paths the dockerfile made
	cmd     *instructions.ShellDependantCmdLine
	entry   *instructions.ShellDependantCmdLine
	shell   []string
}

// imagePath reports whether p, an absolute path of the image, is one this
// build lays out: one the dockerfile made (or below it), or one whose top
// directory this machine lacks.
func (s *stage) imagePath(p string) bool {
	p = path.Clean(p)
	for _, c := range s.created {
		if p == c || strings.HasPrefix(p, strings.TrimSuffix(c, "/")+"/") {
			return true
		}
	}
	top := "/" + strings.SplitN(strings.TrimPrefix(p, "/"), "/", 2)[0]
	if top == "/" {
		return false
	}
	_, err := os.Lstat(top)
	return errors.Is(err, fs.ErrNotExist)
}

// host is this machine's path of image path p.
func (s *stage) host(p string) string { return filepath.Join(s.root, filepath.FromSlash(p)) }

// mapPath maps p when it is one of the image's paths (or force).
func (s *stage) mapPath(p string, force bool) (string, bool) {
	if force || s.imagePath(p) {
		return s.host(p), true
	}
	return "", false
}

// mapList maps each absolute element of a colon-separated value that is
// one of the image's paths (PATH, GOPATH, ...).
func (s *stage) mapList(v string) string {
	parts := strings.Split(v, ":")
	for i, p := range parts {
		if strings.HasPrefix(p, "/") {
			if m, ok := s.mapPath(p, false); ok {
				parts[i] = m
			}
		}
	}
	return strings.Join(parts, ":")
}

func (s *stage) setEnv(k, v string) {
	s.env = slices.DeleteFunc(s.env, func(e string) bool { return strings.HasPrefix(e, k+"=") })
	s.env = append(s.env, k+"="+v)
}

func (s *stage) getEnv(k string) string {
	for _, e := range slices.Backward(s.env) {
		if v, ok := strings.CutPrefix(e, k+"="); ok {
			return v
		}
	}
	return ""
}

// hostEnv is the stage's environment for a command on this machine: this
// process's, then the image's with its paths mapped.
func (s *stage) hostEnv(extra ...string) []string {
	env := os.Environ()
	for _, e := range s.env {
		k, v, _ := strings.Cut(e, "=")
		env = append(env, k+"="+s.mapList(v))
	}
	return append(env, extra...)
}

// expand expands the stage's ARGs and ENV in a dockerfile word.
func (s *stage) expand(word string) (string, error) {
	vars := envSlice(s.args)
	vars = append(vars, s.env...)
	out, _, err := shell.NewLex('\\').ProcessWord(word, shell.EnvsFromSlice(vars))
	return out, err
}

// Build follows the test's dockerfile on this machine, for the local
// runtime (and to fetch the modules of the docker runtime's offline
// builds): each stage the last one needs gets a directory for its file
// system; WORKDIR, COPY and ADD lay the image's paths out in it; RUN lines
// run with the image's paths mapped to it, on this machine's Go (its
// package-manager commands skipped, other commands than go, make, the
// tools the build installs and the shell's file commands refused); and
// the last stage's ENTRYPOINT and CMD become Result.Command. Each change
// from a Docker build is noted in Result.Notes and the log; a build that
// fails past reading the dockerfile returns its notes so far with the
// error. Only Go tests are built: the local runtime runs no other
// language.
func Build(ctx context.Context, test config.Test, opts Options) (*Result, error) {
	o := test.Origin
	if o == nil {
		return nil, fmt.Errorf("%s is not a test of a FrameworkBenchmarks tree", test.Name)
	}
	if !o.IsGo() {
		return nil, fmt.Errorf("%s is written in %s: the local runtime builds Go tests only (--runtime docker builds any)", test.Name, o.Language)
	}
	d, err := ReadDockerfile(o, BuildArgs(test))
	if err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, test: test, opts: opts, d: d, res: &Result{Dockerfile: d}, stages: map[int]*stage{}}
	b.note("building %s from %s on this machine's Go, as its dockerfile says", test.Name, rel(o.Tree, d.Path))
	if err := b.ignoreRules(); err != nil {
		return nil, err
	}
	for _, i := range d.needed() {
		if err := b.stage(i); err != nil {
			return b.res, err
		}
	}
	if err := b.command(b.stages[len(d.Stages)-1]); err != nil {
		return b.res, err
	}
	return b.res, nil
}

// builder is one Build.
type builder struct {
	ctx    context.Context
	test   config.Test
	opts   Options
	d      *Dockerfile
	res    *Result
	stages map[int]*stage
	ignore *patternmatcher.PatternMatcher
}

func (b *builder) log(format string, args ...any) {
	if b.opts.Log != nil {
		fmt.Fprintf(b.opts.Log, format+"\n", args...)
	}
}

// note records a difference from a Docker build.
func (b *builder) note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	b.res.Notes = append(b.res.Notes, msg)
	b.log("tfb: %s", msg)
}

// ignoreRules reads the context's .dockerignore, which COPY and ADD
// honour as Docker's context does.
func (b *builder) ignoreRules() error {
	f, err := os.Open(filepath.Join(b.test.Origin.Dir, ".dockerignore"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read .dockerignore: %w", err)
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return fmt.Errorf("read .dockerignore: %w", err)
	}
	b.ignore, err = patternmatcher.New(patterns)
	return err
}

// stage lays out and runs stage i.
func (b *builder) stage(i int) error {
	st := &stage{root: filepath.Join(b.opts.Dir, fmt.Sprintf("stage-%d", i)), workdir: "/", args: map[string]string{}}
	base := b.d.Bases[i]
	s := b.d.Stages[i]
	b.log("Stage %d: %s", i, strings.TrimSpace(s.SourceCode))
	switch {
	case base.Stage >= 0:
		from := b.stages[base.Stage]
		if err := copyTree(from.root, st.root, nil); err != nil {
			return fmt.Errorf("stage %d from stage %d: %w", i, base.Stage, err)
		}
		st.workdir, st.env, st.created = from.workdir, slices.Clone(from.env), slices.Clone(from.created)
		st.cmd, st.entry, st.shell = from.cmd, from.entry, from.shell
	case IsGoImage(base.Image):
		// What the official Go image sets: GOPATH /go, first on PATH, and
		// the working directory.
		st.env = []string{"GOPATH=/go", "PATH=/go/bin:" + os.Getenv("PATH")}
		st.workdir, st.created = "/go", []string{"/go"}
	default:
		st.env = []string{"PATH=" + os.Getenv("PATH")}
	}
	if err := os.MkdirAll(st.host(st.workdir), 0o755); err != nil {
		return err
	}
	if base.Image != "" {
		b.note("stage %d (FROM %s): this machine stands in for the image%s", i, base.Image, b.goName(base.Image))
	}
	b.stages[i] = st
	for _, c := range s.Commands {
		if err := b.step(i, st, c); err != nil {
			return err
		}
	}
	return nil
}

// goName says which Go stands in for an official Go image.
func (b *builder) goName(image string) string {
	if IsGoImage(image) {
		return ", with its Go (" + goEnv(b.ctx, "GOVERSION") + ")"
	}
	return ""
}

// step follows one command of stage i.
func (b *builder) step(i int, st *stage, c instructions.Command) error {
	ln := line(c.Location())
	text := fmt.Sprint(c)
	fail := func(err error) error { return &StepError{Step: text, Line: ln, Err: err} }
	if e, ok := c.(instructions.SupportsSingleWordExpansion); ok {
		if _, isRun := c.(*instructions.RunCommand); !isRun {
			if err := e.Expand(st.expand); err != nil {
				return fail(err)
			}
		}
	}
	b.log("line %d: %s", ln, text)
	switch c := c.(type) {
	case *instructions.ArgCommand:
		for _, kv := range c.Args {
			v := ""
			if kv.Value != nil {
				v = *kv.Value
			}
			if given, ok := b.d.args[kv.Key]; ok {
				v = given
			}
			st.args[kv.Key] = v
		}
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			st.setEnv(kv.Key, kv.Value)
		}
	case *instructions.WorkdirCommand:
		p := c.Path
		if !path.IsAbs(p) {
			p = path.Join(st.workdir, p)
		}
		st.workdir = path.Clean(p)
		st.created = append(st.created, st.workdir)
		if err := os.MkdirAll(st.host(st.workdir), 0o755); err != nil {
			return fail(err)
		}
	case *instructions.CopyCommand:
		if err := b.copy(i, st, c.SourcePaths, c.DestPath, c.From); err != nil {
			return fail(err)
		}
	case *instructions.AddCommand:
		for _, src := range c.SourcePaths {
			if strings.Contains(src, "://") || strings.HasPrefix(src, "git@") {
				return fail(errors.New("ADD of a URL, which the local runtime does not download (--runtime docker follows it)"))
			}
			if ext := path.Ext(src); slices.Contains([]string{".tar", ".gz", ".tgz", ".bz2", ".xz"}, ext) {
				return fail(errors.New("ADD of an archive, which Docker unpacks and the local runtime does not (--runtime docker follows it)"))
			}
		}
		if err := b.copy(i, st, c.SourcePaths, c.DestPath, ""); err != nil {
			return fail(err)
		}
	case *instructions.RunCommand:
		return b.run(i, st, c, text, ln)
	case *instructions.CmdCommand:
		st.cmd = &c.ShellDependantCmdLine
	case *instructions.EntrypointCommand:
		st.entry, st.cmd = &c.ShellDependantCmdLine, nil
	case *instructions.ShellCommand:
		st.shell = c.Shell
	case *instructions.UserCommand:
		b.note("line %d: %s: the entry runs as this process's user", ln, text)
	default:
		// EXPOSE, LABEL, HEALTHCHECK, STOPSIGNAL, VOLUME, ...: nothing to
		// lay out or run.
	}
	return nil
}

// copy follows COPY and ADD: sources from the test's directory (the
// build's context, less what .dockerignore leaves out) or, with --from,
// from an earlier stage's file system, to dest in this stage's.
func (b *builder) copy(i int, st *stage, sources []string, dest, from string) error {
	if !path.IsAbs(dest) {
		dest = path.Join(st.workdir, dest) + map[bool]string{true: "/"}[strings.HasSuffix(dest, "/") || dest == "."]
	}
	srcRoot, ignore := b.test.Origin.Dir, b.ignore
	if from != "" {
		j := b.d.stageIndex(from, i)
		if j < 0 {
			b.note("COPY --from=%s %s: from an image, not laid out here: this machine's own files serve", from, strings.Join(sources, " "))
			return nil
		}
		srcRoot, ignore = b.stages[j].root, nil
	}
	var matches []string
	for _, src := range sources {
		pattern := filepath.Join(srcRoot, filepath.FromSlash(strings.TrimPrefix(src, "/")))
		if from == "" && !strings.HasPrefix(pattern, filepath.Clean(srcRoot)) {
			return fmt.Errorf("%s is outside the build's context", src)
		}
		m, err := filepath.Glob(pattern)
		if err != nil {
			return err
		}
		if len(m) == 0 {
			if from != "" {
				b.note("COPY --from=%s %s: from the stage's base image, not laid out here: this machine's own file serves", from, src)
				continue
			}
			return fmt.Errorf("%s: no such file in the build's context", src)
		}
		matches = append(matches, m...)
	}
	if len(matches) == 0 {
		return nil
	}
	intoDir := strings.HasSuffix(dest, "/") || len(matches) > 1
	if info, err := os.Stat(st.host(dest)); err == nil && info.IsDir() {
		intoDir = true
	}
	st.created = append(st.created, path.Clean(dest))
	for _, m := range matches {
		info, err := os.Stat(m)
		if err != nil {
			return err
		}
		target := st.host(dest)
		if info.IsDir() {
			if err := copyTree(m, target, b.ignoreIn(ignore, srcRoot, m)); err != nil {
				return err
			}
			continue
		}
		if intoDir {
			target = filepath.Join(target, filepath.Base(m))
		}
		if err := copyFile(m, target, info.Mode()); err != nil {
			return err
		}
	}
	return nil
}

// ignoreIn is the context's ignore rule for the files under dir.
func (b *builder) ignoreIn(pm *patternmatcher.PatternMatcher, root, dir string) func(string) bool {
	if pm == nil {
		return nil
	}
	return func(p string) bool {
		r, err := filepath.Rel(root, filepath.Join(dir, p))
		if err != nil {
			return false
		}
		ignored, _ := pm.MatchesOrParentMatches(filepath.ToSlash(r))
		return ignored
	}
}

// run follows a RUN line on this machine.
func (b *builder) run(i int, st *stage, c *instructions.RunCommand, text string, ln int) error {
	fail := func(err error, out string) error { return &StepError{Step: text, Line: ln, Err: err, Output: out} }
	if !c.PrependShell {
		return fail(errors.New("a RUN line in exec form (JSON), which the local runtime does not follow"), "")
	}
	goStage := b.d.goStage(i)
	rules := shellRules{
		legacyGoGet:         goStage && b.d.goOlderThan(i, 18),
		dropPackageManagers: true,
		mapPath:             st.mapPath,
		allowed:             func(name string) bool { return b.allowed(st, name) },
		modules:             func() bool { return b.modules(st) },
	}
	script, notes, err := rewriteShell(strings.Join(c.CmdLine, " "), rules)
	if err != nil {
		return fail(err, "")
	}
	for _, n := range notes {
		b.note("line %d: %s", ln, n)
	}
	var extra []string
	extra = append(extra, "GOTOOLCHAIN=local", "GOMODCACHE="+b.modCache())
	var goflags []string
	if f := os.Getenv("GOFLAGS"); f != "" {
		goflags = append(goflags, f)
	}
	if goStage && b.d.goOlderThan(i, 16) {
		goflags = append(goflags, "-mod=mod")
		if !b.res.ModMod {
			b.res.ModMod = true
			b.note("the go commands run with -mod=mod: Go before 1.16, which %s names, updated go.mod and go.sum as it built, today's does not", b.d.Bases[i].Image)
		}
	}
	if b.opts.GoModCache != "" {
		goflags = append(goflags, "-modcacherw")
	}
	if len(goflags) > 0 {
		extra = append(extra, "GOFLAGS="+strings.Join(goflags, " "))
	}
	sh := cmpSlice(st.shell, []string{"/bin/sh", "-c"})
	cmd := exec.CommandContext(b.ctx, sh[0], append(sh[1:], script)...)
	cmd.Dir = st.host(st.workdir)
	cmd.Env = st.hostEnv(extra...)
	var out bytes.Buffer
	w := io.Writer(&out)
	if b.opts.Log != nil {
		w = io.MultiWriter(b.opts.Log, &out)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if script != strings.Join(c.CmdLine, " ") {
		b.log("$ %s", script)
	}
	if err := cmd.Run(); err != nil {
		if b.ctx.Err() != nil {
			return b.ctx.Err()
		}
		return fail(err, out.String())
	}
	return nil
}

func cmpSlice(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}

// allowed reports whether the local runtime runs a command of a RUN line:
// go, make, the shell's file commands, and what the build installed in the
// image's paths on its PATH.
func (b *builder) allowed(st *stage, name string) bool {
	if name == "go" || name == "make" || slices.Contains(hostCommands, name) {
		return true
	}
	if strings.Contains(name, "/") {
		return false
	}
	for _, dir := range strings.Split(st.getEnv("PATH"), ":") {
		if strings.HasPrefix(dir, "/") && st.imagePath(dir) {
			if _, err := os.Stat(filepath.Join(st.host(dir), name)); err == nil {
				return true
			}
		}
	}
	gobin := st.getEnv("GOBIN")
	if gobin == "" && st.getEnv("GOPATH") != "" {
		gobin = strings.Split(st.getEnv("GOPATH"), ":")[0] + "/bin"
	}
	if gobin != "" {
		if _, err := os.Stat(filepath.Join(st.host(gobin), name)); err == nil {
			return true
		}
	}
	return false
}

// modules reports whether go commands in the stage's working directory run
// in module mode: a go.mod there or above, and GO111MODULE not off.
func (b *builder) modules(st *stage) bool {
	if strings.EqualFold(st.getEnv("GO111MODULE"), "off") {
		return false
	}
	for dir := st.workdir; ; dir = path.Dir(dir) {
		if _, err := os.Stat(filepath.Join(st.host(dir), "go.mod")); err == nil {
			return true
		}
		if dir == "/" {
			return false
		}
	}
}

// modCache is the go commands' module cache.
func (b *builder) modCache() string {
	if b.opts.GoModCache != "" {
		return b.opts.GoModCache
	}
	return goEnv(b.ctx, "GOMODCACHE")
}

// command is what the last stage runs: ENTRYPOINT then CMD, as Docker
// joins them, with the image's paths mapped.
func (b *builder) command(st *stage) error {
	sh := cmpSlice(st.shell, []string{"/bin/sh", "-c"})
	form := func(c *instructions.ShellDependantCmdLine) ([]string, error) {
		if c == nil {
			return nil, nil
		}
		if c.PrependShell {
			script, _, err := rewriteShell(strings.Join(c.CmdLine, " "), shellRules{mapPath: st.mapPath})
			if err != nil {
				return nil, fmt.Errorf("CMD %s: %w", strings.Join(c.CmdLine, " "), err)
			}
			return append(slices.Clone(sh), script), nil
		}
		args := slices.Clone(c.CmdLine)
		for i, a := range args {
			if strings.HasPrefix(a, "/") {
				if m, ok := st.mapPath(a, false); ok {
					args[i] = m
				}
			}
		}
		return args, nil
	}
	entry, err := form(st.entry)
	if err != nil {
		return err
	}
	cmd, err := form(st.cmd)
	if err != nil {
		return err
	}
	switch {
	case st.entry != nil && st.entry.PrependShell:
		b.res.Command = entry
	default:
		b.res.Command = append(entry, cmd...)
	}
	if len(b.res.Command) == 0 {
		return fmt.Errorf("%s: the last stage has no CMD or ENTRYPOINT", rel(b.test.Origin.Tree, b.d.Path))
	}
	b.res.Dir = st.host(st.workdir)
	for _, e := range st.env {
		k, v, _ := strings.Cut(e, "=")
		b.res.Env = append(b.res.Env, k+"="+st.mapList(v))
	}
	b.log("Command: %s (in %s)", strings.Join(b.res.Command, " "), b.res.Dir)
	return nil
}

// goEnv is `go env NAME` of this machine's Go.
func goEnv(ctx context.Context, name string) string {
	out, err := exec.CommandContext(ctx, "go", "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// copyTree copies the directory src into dst (made if missing), leaving
// out what skip reports (a path relative to src).
func copyTree(src, dst string, skip func(string) bool) error {
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		r, _ := filepath.Rel(src, p)
		if r != "." && skip != nil && skip(r) {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, r)
		info, err := e.Info()
		if err != nil {
			return err
		}
		switch {
		case e.IsDir():
			return os.MkdirAll(target, 0o755)
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			_ = os.Remove(target)
			return os.Symlink(link, target)
		case info.Mode().IsRegular():
			return copyFile(p, target, info.Mode())
		}
		return nil
	})
}

// copyFile copies one file, making its directory.
func copyFile(src, dst string, mode fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode.Perm()|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
