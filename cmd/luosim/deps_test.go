package main

// The import policy, in the style of go/build's deps_test.go: each layer
// may import only the layers before it. DO NOT CHANGE THIS TO FIX A BUILD:
// move the code to the right layer instead.

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/luosim/luosim"

// layers lists the module's packages from the bottom up.
var layers = []string{"sim", "lockmodels", "workload", "bench", "reports", "cmd/luosim"}

func TestImportOrder(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	files, problems, err := checkImports(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if files < 10 {
		t.Fatalf("checked only %d files; is the walk rooted at the module?", files)
	}
}

// TestImportOrderCatches proves the checker fails on an upward import.
func TestImportOrderCatches(t *testing.T) {
	root := t.TempDir()
	write := func(rel, src string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("sim/a.go", "package sim\nimport _ \""+module+"/bench\"\n")
	write("lockmodels/b.go", "package lockmodels\nimport _ \""+module+"/sim\"\n")
	write("bench/c.go", "package bench\nimport _ \"flag\"\n")
	write("extra/d.go", "package extra\n")
	_, problems, err := checkImports(root)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problems, "\n")
	for _, want := range []string{"sim/a.go (layer sim) imports " + module + "/bench", "c.go imports flag", "package " + module + "/extra is not in the layer list"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if len(problems) != 3 {
		t.Errorf("%d problems, want 3:\n%s", len(problems), got)
	}
}

// checkImports walks the module at root and returns the number of Go files
// checked and every violation of the layer order.
func checkImports(root string) (files int, problems []string, err error) {
	rank := map[string]int{}
	for i, l := range layers {
		rank[module+"/"+l] = i
	}
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "luosim-out") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := module + "/" + filepath.ToSlash(rel)
		isTest := strings.HasSuffix(path, "_test.go")
		mine, ok := rank[pkg]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: package %s is not in the layer list; place it in deps_test.go", path, pkg))
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		files++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if p == "flag" && pkg != module+"/cmd/luosim" && !isTest {
				problems = append(problems, fmt.Sprintf("%s imports flag: only cmd/luosim parses flags", path))
			}
			if !strings.HasPrefix(p, module+"/") {
				continue
			}
			theirs, ok := rank[p]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("%s imports unknown package %s", path, p))
			case theirs > mine || (theirs == mine && !isTest):
				problems = append(problems, fmt.Sprintf("%s (layer %s) imports %s: imports must flow %s", path, layers[mine], p, strings.Join(layers, " <- ")))
			}
		}
		return nil
	})
	return files, problems, err
}
