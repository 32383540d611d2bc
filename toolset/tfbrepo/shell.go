package tfbrepo

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// packageManagers are the commands of the operating systems' package
// managers, whose lines the local runtime skips (the host's own packages
// serve) and the docker runtime's offline builds skip in a stage whose
// Alpine base became a Debian one.
var packageManagers = []string{"apk", "apt", "apt-get", "aptitude", "dnf", "microdnf", "yum", "zypper", "pacman"}

// hostCommands are the commands the local runtime runs of a RUN line
// besides go, make and the tools the build installs: the shell's own and
// file commands.
var hostCommands = []string{"cd", "set", "export", "echo", "printf", "true", "false", ":", "test", "[", "pwd",
	"mkdir", "cp", "mv", "rm", "ln", "ls", "cat", "touch", "chmod"}

// shellRules say how a RUN line is rewritten.
type shellRules struct {
	// legacyGoGet: the stage's Go is older than 1.18, whose `go get`
	// also built and installed the commands it fetched; today's fetches
	// only, so a `go install` of the same packages follows it.
	legacyGoGet bool
	// dropPackageManagers replaces package-manager commands with true.
	dropPackageManagers bool
	// mapPath, when set, maps an absolute path of the image to this
	// machine's copy (ok false: leave it); force maps it even when it is
	// not one of the image's paths (a go command's -o).
	mapPath func(p string, force bool) (string, bool)
	// allowed, when set, reports whether a command may run; tools names the
	// commands the line itself installs, allowed too.
	allowed func(name string) bool
	// modules reports whether the line's go commands run in module mode
	// (a go.mod at or above the working directory); nil: not checked.
	modules func() bool
}

// rewriteShell applies r to a RUN line's shell command and returns the
// command to run, a note for each change, or an error naming what cannot
// be followed.
func rewriteShell(src string, r shellRules) (string, []string, error) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		return "", nil, fmt.Errorf("cannot parse it as a shell command: %w", err)
	}
	var notes []string
	var walkErr error
	installs := installedTools(f)
	syntax.Walk(f, func(node syntax.Node) bool {
		if walkErr != nil {
			return false
		}
		switch n := node.(type) {
		case *syntax.Stmt:
			call, ok := n.Cmd.(*syntax.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			name := call.Args[0].Lit()
			switch {
			case r.dropPackageManagers && slices.Contains(packageManagers, name):
				notes = append(notes, "skipped "+printNode(call)+" (a package manager's command)")
				n.Cmd = &syntax.CallExpr{Args: []*syntax.Word{word("true")}}
				return false
			case name == "go" && len(call.Args) > 1 && call.Args[1].Lit() == "get":
				if r.modules != nil && !r.modules() {
					walkErr = fmt.Errorf("%s builds in GOPATH mode (no go.mod at or above its WORKDIR), whose go get Go 1.22 removed", printNode(call))
					return false
				}
				if r.legacyGoGet {
					if install := legacyInstall(call); install != nil {
						notes = append(notes, fmt.Sprintf("%s: Go before 1.18 also installed what go get fetched, today's does not: %s follows it", printNode(call), printNode(install)))
						n.Cmd = &syntax.BinaryCmd{Op: syntax.AndStmt, X: &syntax.Stmt{Cmd: call}, Y: &syntax.Stmt{Cmd: install}}
						walkWords(call, r, &walkErr)
						walkWords(install, r, &walkErr)
						return false
					}
				}
			}
			if r.allowed != nil && name != "" && !r.allowed(name) && !slices.Contains(installs, name) {
				walkErr = fmt.Errorf("runs %s, which the local runtime does not run on this machine (it runs go, make, the tools the build installs and the shell's file commands; --runtime docker runs the line as it is)", name)
				return false
			}
			if r.allowed != nil && name == "" {
				walkErr = fmt.Errorf("runs a command named by an expansion (%s), which the local runtime cannot check", printNode(call.Args[0]))
				return false
			}
			walkWords(call, r, &walkErr)
			return true
		}
		return true
	})
	if walkErr != nil {
		return "", nil, walkErr
	}
	return printNode(f), notes, nil
}

// walkWords maps the image's absolute paths in a command's words (and the
// values it assigns): every word that starts with one, and the word after
// a go command's -o whatever it is.
func walkWords(call *syntax.CallExpr, r shellRules, errp *error) {
	if r.mapPath == nil {
		return
	}
	isGo := len(call.Args) > 0 && call.Args[0].Lit() == "go"
	for i, w := range call.Args {
		mapWord(w, r, isGo && i > 0 && call.Args[i-1].Lit() == "-o")
	}
	for _, a := range call.Assigns {
		if a.Value != nil {
			mapWord(a.Value, r, false)
		}
	}
}

// mapWord maps the path a word starts with, when it is a literal one.
func mapWord(w *syntax.Word, r shellRules, force bool) {
	if len(w.Parts) == 0 {
		return
	}
	switch p := w.Parts[0].(type) {
	case *syntax.Lit:
		if strings.HasPrefix(p.Value, "/") {
			if m, ok := r.mapPath(p.Value, force); ok {
				p.Value = m
			}
		}
	case *syntax.SglQuoted:
		if strings.HasPrefix(p.Value, "/") {
			if m, ok := r.mapPath(p.Value, force); ok {
				p.Value = m
			}
		}
	case *syntax.DblQuoted:
		if len(p.Parts) > 0 {
			if lit, ok := p.Parts[0].(*syntax.Lit); ok && strings.HasPrefix(lit.Value, "/") {
				if m, ok := r.mapPath(lit.Value, force); ok {
					lit.Value = m
				}
			}
		}
	}
}

// legacyInstall is the go install that follows an old go get: the same
// packages, or the current directory's when it names none; nil for go get
// -d (download only).
func legacyInstall(call *syntax.CallExpr) *syntax.CallExpr {
	var pkgs []*syntax.Word
	for _, a := range call.Args[2:] {
		lit := a.Lit()
		if lit == "-d" {
			return nil
		}
		if strings.HasPrefix(lit, "-") {
			continue
		}
		pkgs = append(pkgs, cloneWord(a))
	}
	if len(pkgs) == 0 {
		pkgs = []*syntax.Word{word(".")}
	}
	return &syntax.CallExpr{Assigns: call.Assigns, Args: append([]*syntax.Word{word("go"), word("install")}, pkgs...)}
}

// installedTools are the commands a line installs with go install or go
// get: the last element of each package path (qtc for
// github.com/valyala/quicktemplate/qtc@latest, easyjson for
// github.com/mailru/easyjson/...).
func installedTools(f *syntax.File) []string {
	var tools []string
	syntax.Walk(f, func(node syntax.Node) bool {
		call, ok := node.(*syntax.CallExpr)
		if !ok || len(call.Args) < 3 || call.Args[0].Lit() != "go" {
			return true
		}
		if sub := call.Args[1].Lit(); sub != "install" && sub != "get" {
			return true
		}
		for _, a := range call.Args[2:] {
			p, _, _ := strings.Cut(a.Lit(), "@")
			p = strings.TrimSuffix(p, "/...")
			if p != "" && !strings.HasPrefix(p, "-") {
				tools = append(tools, path.Base(p))
			}
		}
		return true
	})
	return tools
}

func word(s string) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: s}}}
}

// cloneWord copies a literal word, so that mapping one copy's path leaves
// the other's; any other word is shared.
func cloneWord(w *syntax.Word) *syntax.Word {
	if l := w.Lit(); l != "" {
		return word(l)
	}
	return w
}

// printNode prints a shell node on one line.
func printNode(n syntax.Node) string {
	var b strings.Builder
	if err := syntax.NewPrinter(syntax.SingleLine(true)).Print(&b, n); err != nil {
		return fmt.Sprintf("%v", n)
	}
	return strings.TrimSpace(b.String())
}
