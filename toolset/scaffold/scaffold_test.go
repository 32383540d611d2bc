package scaffold

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/go-tfb/suite/toolset/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// offline is a go command that never reaches the network: modules come from
// the module cache or not at all.
var offline = GoTool{Env: []string{"GOPROXY=off", "GOFLAGS=-mod=mod"}}

// chiModule is a module the repository's tests already need in the module
// cache (frameworks/chi imports it), so it resolves offline at the version
// go.mod requires.
const chiModule = "github.com/go-chi/chi/v5"

// requiredVersion returns the version of modPath that the repository's
// go.mod requires.
func requiredVersion(t *testing.T, modPath string) string {
	t.Helper()
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Require {
		if r.Mod.Path == modPath {
			return r.Mod.Version
		}
	}
	t.Fatalf("go.mod does not require %s", modPath)
	return ""
}

// newRepo lays out a copy of the repository's files that tfb new reads and
// writes: go.mod and go.sum from the repository, benchmark_config.json and
// docker-compose.yml from testdata/ (fixed, for the golden files),
// .gitignore from the repository, and the frameworks/ directories.
func newRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	copyFile(t, "../../go.mod", filepath.Join(root, "go.mod"))
	copyFile(t, "../../go.sum", filepath.Join(root, "go.sum"))
	copyFile(t, "testdata/benchmark_config.json", filepath.Join(root, config.FileName))
	copyFile(t, "testdata/docker-compose.yml", filepath.Join(root, ComposeFile))
	copyFile(t, "../../"+GitignoreFile, filepath.Join(root, GitignoreFile))
	for _, dir := range []string{"nethttp", "gin", "echo", "fiber", "internal/tfb", "images"} {
		if err := os.MkdirAll(filepath.Join(root, "frameworks", dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot returns every file under root with its contents.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			files[rel+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(path)
		files[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func assertUnchanged(t *testing.T, root string, before map[string]string) {
	t.Helper()
	after := snapshot(t, root)
	for name, data := range before {
		if got, ok := after[name]; !ok {
			t.Errorf("%s was removed", name)
		} else if got != data {
			t.Errorf("%s was changed", name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s was created", name)
		}
	}
}

func TestPrepareRefuses(t *testing.T) {
	tests := []struct {
		name, module string
		edit         func(t *testing.T, root string)
		wantErr      string
	}{
		{name: "", module: chiModule, wantErr: "missing entry name"},
		{name: "Chi", module: chiModule, wantErr: `name "Chi": want a Go package name`},
		{name: "my-chi", module: chiModule, wantErr: `name "my-chi": want a Go package name`},
		{name: "1chi", module: chiModule, wantErr: `name "1chi": want a Go package name`},
		{name: "func", module: chiModule, wantErr: `name "func": a Go keyword`},
		{name: "gin", module: chiModule, wantErr: `name "gin": frameworks/gin already exists`},
		{name: "internal", module: chiModule, wantErr: `frameworks/internal already exists`},
		{
			name: "echo", module: chiModule,
			edit:    func(t *testing.T, root string) { os.RemoveAll(filepath.Join(root, "frameworks", "echo")) },
			wantErr: `name "echo": benchmark_config.json already has an entry "echo"`,
		},
		{
			name: "extra", module: chiModule,
			edit: func(t *testing.T, root string) {
				f, err := os.OpenFile(filepath.Join(root, ComposeFile), os.O_APPEND|os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				f.WriteString("\n  extra:\n    image: busybox\n")
			},
			wantErr: `name "extra": docker-compose.yml already has a service "extra"`,
		},
		{name: "demo", module: "", wantErr: "missing --framework"},
		{name: "demo", module: "not a module", wantErr: "--framework not a module: malformed module path"},
		{name: "demo", module: "example.com/no/such/framework", wantErr: "--framework example.com/no/such/framework: unknown module: example.com/no/such/framework@latest: module lookup disabled"},
		{name: "demo", module: chiModule + "@v0.0.0-nosuchversion", wantErr: "unknown module"},
		{
			name: "demo", module: chiModule,
			edit: func(t *testing.T, root string) {
				os.WriteFile(filepath.Join(root, config.FileName), []byte(`{"framework": "go"}`), 0o644)
			},
			wantErr: `benchmark_config.json: field "tests": no entries`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name+"_"+tt.module, func(t *testing.T) {
			root := newRepo(t)
			if tt.edit != nil {
				tt.edit(t, root)
			}
			before := snapshot(t, root)
			_, err := Prepare(context.Background(), Request{Root: root, Name: tt.name, Module: tt.module}, offline)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Prepare: error %v, want one containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			assertUnchanged(t, root, before)
		})
	}
}

func TestApply(t *testing.T) {
	root := newRepo(t)
	version := requiredVersion(t, chiModule)
	plan, err := Prepare(context.Background(), Request{Root: root, Name: "demo", Module: chiModule + "@" + version}, offline)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Version != version {
		t.Errorf("version %s, want %s", plan.Version, version)
	}
	if plan.HostPort != 8084 || plan.PortVar != "DEMO_PORT" {
		t.Errorf("host port %d (%s), want 8084 (DEMO_PORT): the next after the compose file's highest", plan.HostPort, plan.PortVar)
	}
	if err := plan.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join(root, config.FileName), "testdata/benchmark_config.golden.json")
	checkGolden(t, filepath.Join(root, ComposeFile), "testdata/docker-compose.golden.yml")
	checkGolden(t, filepath.Join(root, "frameworks/demo/main.go"), "testdata/main.go.golden")
	checkGolden(t, filepath.Join(root, "frameworks/demo/main_test.go"), "testdata/main_test.go.golden")

	cfg, err := config.Load(filepath.Join(root, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Test("demo"); !ok {
		t.Errorf("benchmark_config.json has no entry demo: %v", cfg.Names())
	}
	goMod, _ := os.ReadFile(filepath.Join(root, "go.mod"))
	if !bytes.Contains(goMod, []byte(chiModule+" "+version)) {
		t.Errorf("go.mod does not require %s %s", chiModule, version)
	}
	ignore, _ := os.ReadFile(filepath.Join(root, GitignoreFile))
	if !bytes.HasSuffix(ignore, []byte("\n/demo\n")) {
		t.Errorf(".gitignore does not end with the entry's binary /demo:\n%s", ignore)
	}
	// A second scaffold of the same name is refused: every clash is there now.
	if _, err := Prepare(context.Background(), Request{Root: root, Name: "demo", Module: chiModule}, offline); err == nil {
		t.Error("a second tfb new demo was accepted")
	}
}

// TestApplyRollsBack makes the step after go get fail and checks that every
// file is as it was, go.mod and go.sum included, and that what Apply did not
// create is left alone.
func TestApplyRollsBack(t *testing.T) {
	root := newRepo(t)
	plan, err := Prepare(context.Background(), Request{Root: root, Name: "demo", Module: chiModule + "@" + requiredVersion(t, chiModule)}, offline)
	if err != nil {
		t.Fatal(err)
	}
	// Something takes the name between the checks and the writing.
	if err := os.WriteFile(filepath.Join(root, "frameworks", "demo"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, root)
	err = plan.Apply(context.Background())
	if err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("Apply: error %v, want a failure that says nothing was changed", err)
	}
	assertUnchanged(t, root, before)
}

// TestScaffoldCompiles builds the rendered entry and runs its allocation
// test inside this repository's module, where package tfb exists, through a
// build overlay: the files appear in frameworks/ for the go command only.
func TestScaffoldCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an entry")
	}
	plan := &Plan{Name: "scaffoldcheck", ModulePath: chiModule, Framework: "chi"}
	files, err := plan.Files(true)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	overlay := map[string]map[string]string{"Replace": {}}
	tmp := t.TempDir()
	for name, data := range files {
		file := filepath.Join(tmp, filepath.Base(name))
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		overlay["Replace"][filepath.Join(repo, name)] = file
	}
	overlayJSON, _ := json.Marshal(overlay)
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlayJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	// go vet and go test would change into the package's directory, which
	// does not exist: build the binaries instead and run the test binary here.
	testBinary := filepath.Join(tmp, "scaffoldcheck.test")
	for _, args := range [][]string{
		{"build", "-overlay", overlayFile, "-o", os.DevNull, "./frameworks/scaffoldcheck/"},
		{"test", "-overlay", overlayFile, "-vet=off", "-c", "-o", testBinary, "./frameworks/scaffoldcheck/"},
	} {
		cmd := exec.Command("go", args...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	cmd := exec.Command(testBinary, "-test.run", "TestAllocationBudget", "-test.v")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the scaffold's TestAllocationBudget: %v\n%s", err, out)
	}
}

func checkGolden(t *testing.T, path, golden string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (go test -update rewrites it after a deliberate change):\n%s", path, golden, got)
	}
}

// TestApplyModuleWithoutRootPackage scaffolds for a module whose root is no
// Go package: main.go must not import it, or it would not compile.
func TestApplyModuleWithoutRootPackage(t *testing.T) {
	const modPath = "golang.org/x/mod" // its packages are modfile, module, ...; the root has none
	root := newRepo(t)
	plan, err := Prepare(context.Background(), Request{Root: root, Name: "demo", Module: modPath + "@" + requiredVersion(t, modPath)}, offline)
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	main, err := os.ReadFile(filepath.Join(root, "frameworks", "demo", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(main, []byte(`"`+modPath+`"`)) {
		t.Errorf("main.go imports %s, which is no package:\n%s", modPath, main)
	}
	if !bytes.Contains(main, []byte("serves the TFB test types with mod ("+modPath+")")) {
		t.Errorf("main.go does not name the framework:\n%s", main)
	}
}

// TestPrepareKeepsRequiredVersion scaffolds, with no version asked, modules
// that go.mod already requires: each keeps the version required, offline
// (where the latest could not even be looked up), so that the new entry
// changes no other entry's dependencies.
func TestPrepareKeepsRequiredVersion(t *testing.T) {
	for _, modPath := range []string{chiModule, "github.com/valyala/bytebufferpool"} {
		t.Run(modPath, func(t *testing.T) {
			plan, err := Prepare(context.Background(), Request{Root: newRepo(t), Name: "demo", Module: modPath}, offline)
			if err != nil {
				t.Fatal(err)
			}
			if want := requiredVersion(t, modPath); plan.Version != want {
				t.Errorf("version %s, want go.mod's %s", plan.Version, want)
			}
		})
	}
}

// TestApplyRequiresDirectly scaffolds for a module that go.mod requires
// only indirectly: main.go imports it, so go.mod must list it among the
// direct requirements, without the "// indirect" mark, as go mod tidy would.
func TestApplyRequiresDirectly(t *testing.T) {
	const modPath = "github.com/valyala/bytebufferpool" // fasthttp's; its root is a package
	root := newRepo(t)
	version := requiredVersion(t, modPath)
	plan, err := Prepare(context.Background(), Request{Root: root, Name: "demo", Module: modPath + "@" + version}, offline)
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range f.Require {
		if r.Mod.Path == modPath {
			found = true
			if r.Indirect || r.Mod.Version != version {
				t.Errorf("go.mod requires %s %s (indirect %v), want %s, direct", modPath, r.Mod.Version, r.Indirect, version)
			}
		}
	}
	if !found {
		t.Errorf("go.mod does not require %s:\n%s", modPath, data)
	}
}

// TestTemplateRoutesAsNethttp keeps the scaffold's routing one with the
// nethttp entry's: the body of newHandler that main.go.tmpl renders is the
// body of frameworks/nethttp/main.go's newHandler, the Server header's value
// aside, so that a change to one that the other lacks fails here.
func TestTemplateRoutesAsNethttp(t *testing.T) {
	plan := &Plan{Name: "nethttp", ModulePath: chiModule, Framework: "chi"}
	files, err := plan.Files(false)
	if err != nil {
		t.Fatal(err)
	}
	nethttp, err := os.ReadFile("../../frameworks/nethttp/main.go")
	if err != nil {
		t.Fatal(err)
	}
	got := funcBody(t, "the scaffold's main.go", files["frameworks/nethttp/main.go"], "newHandler")
	want := funcBody(t, "frameworks/nethttp/main.go", nethttp, "newHandler")
	if got != want {
		t.Errorf("newHandler differs between the template and frameworks/nethttp:\ntemplate:\n%s\nnethttp:\n%s", got, want)
	}
}

// funcBody returns the body of the function name in the Go source src,
// printed without comments, with string literals that name a server
// (the argument of stdhttp.ServerHeader) replaced by "NAME".
func funcBody(t *testing.T, what string, src []byte, name string) string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, what, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != name {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "ServerHeader" && len(call.Args) == 1 {
					call.Args[0] = &ast.BasicLit{Kind: token.STRING, Value: `"NAME"`}
				}
			}
			return true
		})
		var buf bytes.Buffer
		if err := printer.Fprint(&buf, fset, fn.Body); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	t.Fatalf("%s has no function %s", what, name)
	return ""
}
