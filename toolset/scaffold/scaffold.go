// Package scaffold adds a new framework entry to the repository: the code of
// frameworks/NAME from a template that compiles and passes the conformance
// suite at once, its benchmark_config.json entry, its docker-compose.yml
// service and the framework's module in go.mod. It checks everything before
// it changes anything, and undoes its changes when a step fails.
package scaffold

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	"golang.org/x/mod/module"

	"github.com/go-tfb/suite/toolset/config"
)

// ComposeFile is the name of the Compose file at the repository root.
const ComposeFile = "docker-compose.yml"

// GitignoreFile is the name of the repository's .gitignore, which lists the
// binaries go build leaves at the root, one per entry.
const GitignoreFile = ".gitignore"

//go:embed templates/*.tmpl
var templateFiles embed.FS

var templates = template.Must(template.ParseFS(templateFiles, "templates/*.tmpl"))

// Request is what a new entry is asked to be.
type Request struct {
	// Root is the repository root, the directory holding benchmark_config.json.
	Root string
	// Name is the entry's name: its directory under frameworks/, its
	// benchmark_config.json key and its compose service.
	Name string
	// Module is the framework's module, as MODULE or MODULE@VERSION.
	Module string
}

// Plan is a checked request: what Apply writes, computed without changing
// anything.
type Plan struct {
	Name       string
	ModulePath string // the framework's module path
	Version    string // the module version go get will require
	Framework  string // the framework's short name, from its module path
	HostPort   int    // the compose service's host port
	PortVar    string // the variable that overrides HostPort

	root       string
	goTool     GoTool
	config     []byte // benchmark_config.json with the new entry
	compose    []byte // docker-compose.yml with the new service
	entryJSON  string // the text added to benchmark_config.json
	serviceYML string // the text added to docker-compose.yml
	gitignore  []byte // .gitignore with the entry's binary, nil without a .gitignore
}

// validName is the shape of an entry name: a Go package name in the Go
// style, which is also a valid directory, image and compose service name.
var validName = regexp.MustCompile(`^[a-z][a-z0-9]{0,29}$`)

// Prepare checks req against the repository and returns the plan to carry
// it out. It changes nothing; the module is looked up with go list -m.
func Prepare(ctx context.Context, req Request, goTool GoTool) (*Plan, error) {
	if err := checkName(req.Name); err != nil {
		return nil, err
	}
	modPath, version, err := splitModule(req.Module)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(req.Root, "frameworks", req.Name)
	if _, err := os.Stat(dir); err == nil {
		return nil, fmt.Errorf("name %q: frameworks/%s already exists", req.Name, req.Name)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("name %q: %w", req.Name, err)
	}
	p := &Plan{Name: req.Name, ModulePath: modPath, Framework: frameworkName(modPath), root: req.Root, goTool: goTool}
	if err := p.planConfig(); err != nil {
		return nil, err
	}
	if err := p.planCompose(); err != nil {
		return nil, err
	}
	if err := p.planGitignore(); err != nil {
		return nil, err
	}
	if version == "latest" {
		// A module the repository already requires (fasthttp, through
		// fiber) keeps its version: a newer one would change other entries.
		if v, err := goModRequires(req.Root, modPath); err != nil {
			return nil, err
		} else if v != "" {
			version = v
		}
	}
	p.Version, err = goTool.Resolve(ctx, req.Root, modPath, version)
	if err != nil {
		return nil, fmt.Errorf("--framework %s: %w", req.Module, err)
	}
	return p, nil
}

func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("missing entry name: tfb new NAME --framework MODULE")
	case !validName.MatchString(name):
		return fmt.Errorf("name %q: want a Go package name of lower-case letters and digits, starting with a letter (at most 30)", name)
	case token.IsKeyword(name):
		return fmt.Errorf("name %q: a Go keyword cannot name a package", name)
	}
	return nil
}

// splitModule splits MODULE[@VERSION] and checks the module path's syntax.
func splitModule(s string) (modPath, version string, err error) {
	if s == "" {
		return "", "", errors.New("missing --framework MODULE[@VERSION], e.g. --framework github.com/go-chi/chi/v5")
	}
	modPath, version, _ = strings.Cut(s, "@")
	if err := module.CheckPath(modPath); err != nil {
		return "", "", fmt.Errorf("--framework %s: %w", s, err)
	}
	if version == "" {
		version = "latest"
	}
	return modPath, version, nil
}

// frameworkName is the last element of a module path without its major
// version suffix: github.com/go-chi/chi/v5 is chi.
func frameworkName(modPath string) string {
	prefix, _, ok := module.SplitPathVersion(modPath)
	if !ok {
		prefix = modPath
	}
	return path.Base(prefix)
}

// templateData is what the templates of frameworks/NAME see.
type templateData struct {
	Name, Framework, ModulePath string
	ImportFramework             bool
}

// Files returns the files Apply writes under frameworks/NAME, by path
// relative to the repository root. importFramework says whether main.go
// imports the framework's module (its root is a Go package).
func (p *Plan) Files(importFramework bool) (map[string][]byte, error) {
	data := templateData{Name: p.Name, Framework: p.Framework, ModulePath: p.ModulePath, ImportFramework: importFramework}
	files := map[string][]byte{}
	for _, f := range []struct{ tmpl, name string }{
		{"main.go.tmpl", "main.go"},
		{"main_test.go.tmpl", "main_test.go"},
	} {
		var buf bytes.Buffer
		if err := templates.ExecuteTemplate(&buf, f.tmpl, data); err != nil {
			return nil, fmt.Errorf("render %s: %w", f.name, err)
		}
		files[filepath.ToSlash(filepath.Join("frameworks", p.Name, f.name))] = buf.Bytes()
	}
	return files, nil
}

// Apply carries the plan out: go get the module, write frameworks/NAME,
// benchmark_config.json and docker-compose.yml. When a step fails it
// restores every file it changed and removes frameworks/NAME.
func (p *Plan) Apply(ctx context.Context) (err error) {
	saved := map[string][]byte{}
	for _, name := range []string{"go.mod", "go.sum", config.FileName, ComposeFile, GitignoreFile} {
		data, err := os.ReadFile(filepath.Join(p.root, name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("read %s: %w", name, err)
		}
		saved[name] = data
	}
	dir := filepath.Join(p.root, "frameworks", p.Name)
	created := false // whether dir is Apply's to remove
	defer func() {
		if err == nil {
			return
		}
		for name, data := range saved {
			if data == nil {
				os.Remove(filepath.Join(p.root, name))
				continue
			}
			os.WriteFile(filepath.Join(p.root, name), data, 0o644)
		}
		if created {
			os.RemoveAll(dir)
		}
		err = fmt.Errorf("%w (nothing was changed)", err)
	}()

	if err := p.goTool.Get(ctx, p.root, p.ModulePath+"@"+p.Version); err != nil {
		return err
	}
	importFramework := p.goTool.IsPackage(ctx, p.root, p.ModulePath)
	if importFramework {
		// main.go imports it: go.mod says so, as go mod tidy would.
		if err := requireDirectly(p.root, p.ModulePath); err != nil {
			return err
		}
	}
	files, err := p.Files(importFramework)
	if err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("create frameworks/%s: %w", p.Name, err)
	}
	created = true
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(p.root, name), data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	if err := os.WriteFile(filepath.Join(p.root, config.FileName), p.config, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", config.FileName, err)
	}
	if err := os.WriteFile(filepath.Join(p.root, ComposeFile), p.compose, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", ComposeFile, err)
	}
	if p.gitignore != nil {
		if err := os.WriteFile(filepath.Join(p.root, GitignoreFile), p.gitignore, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", GitignoreFile, err)
		}
	}
	return nil
}

// Describe writes what Apply would do, for --dry-run: the command it runs,
// the files it creates in full and the text it adds to the others.
func (p *Plan) Describe(w io.Writer) error {
	files, err := p.Files(true)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "would run: go get %s@%s\n", p.ModulePath, p.Version)
	for _, name := range []string{"main.go", "main_test.go"} {
		rel := "frameworks/" + p.Name + "/" + name
		fmt.Fprintf(w, "\nwould create %s:\n%s", rel, files[rel])
	}
	fmt.Fprintf(w, "\nwould add to %s (in tests):\n%s\n", config.FileName, p.entryJSON)
	fmt.Fprintf(w, "\nwould add to %s (in services):\n%s", ComposeFile, p.serviceYML)
	if p.gitignore != nil {
		fmt.Fprintf(w, "\nwould add to %s:\n/%s\n", GitignoreFile, p.Name)
	}
	return nil
}

// NextSteps writes what the contributor does after Apply, and how to undo it.
func (p *Plan) NextSteps(w io.Writer) {
	n := p.Name
	fmt.Fprintf(w, `Created frameworks/%[1]s (main.go, main_test.go); added %[1]q to %[2]s, %[3]s (host port %[4]d, %[5]s) and %[9]s; required %[6]s %[7]s.

Next steps:
  1. Adapt frameworks/%[1]s/main.go to %[8]s's router and response API: see the ADAPT comments.
  2. Check the descriptive fields of %[1]q in %[2]s (framework, display_name,
     classification, platform, webserver, orm): they are guesses; TFB's allowed values are in CONTRIBUTING.md.
  3. go run ./toolset/cmd/tfb lint
  4. go test ./frameworks/ -run 'Test[A-Za-z]*/%[1]s$' and go test ./frameworks/%[1]s/
  5. .ci/docker-vendor && go run ./toolset/cmd/tfb verify --test %[1]s
  6. README.md: name %[8]s among the frameworks and add %[1]s's row to the host-port table (127.0.0.1:%[4]d, %[5]s).

To undo: git checkout -- %[2]s %[3]s %[9]s go.mod go.sum && rm -r frameworks/%[1]s
`, n, config.FileName, ComposeFile, p.HostPort, p.PortVar, p.ModulePath, p.Version, p.Framework, GitignoreFile)
}
