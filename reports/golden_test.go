package reports_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/luosim/luosim/bench"
	"github.com/luosim/luosim/reports"
	"github.com/luosim/luosim/workload"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenDir holds the golden files of this GOARCH: floats reach the plots,
// and the Go spec lets other architectures fuse multiply-adds.
var goldenDir = filepath.Join("testdata", "golden", runtime.GOARCH)

// tinyInvocation is a fixed manifest for the golden reports.
var tinyInvocation = &reports.Invocation{
	Command:  []string{"luosim", "run", "-o", "out dir", "testdata/tiny.yaml"},
	Scenario: "testdata/tiny.yaml", Luosim: "golden", Revision: "0123456789ab+dirty", Go: "go1.26.8",
	Workers: 2, WallSeconds: 0.25, Started: "2026-01-02T03:04:05Z", Host: "golden-host",
}

var tiny = sync.OnceValues(func() (*bench.Document, error) {
	data, err := os.ReadFile(filepath.Join("testdata", "tiny.yaml"))
	if err != nil {
		return nil, err
	}
	sc, err := workload.Parse("testdata/tiny.yaml", data)
	if err != nil {
		return nil, err
	}
	return bench.RunChecked(sc, bench.RunConfig{Version: "golden", Workers: 2})
})

// tinyFiles renders the report of the tiny scenario.
func tinyFiles(t testing.TB) map[string][]byte {
	t.Helper()
	doc, err := tiny()
	if err != nil {
		t.Fatal(err)
	}
	files, err := reports.Files(doc, tinyInvocation)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGolden compares report.txt, report.md and every plot with the files
// in testdata/golden/GOARCH byte for byte; -update rewrites them.
func TestGolden(t *testing.T) {
	files := tinyFiles(t)
	var names []string
	for name := range files {
		if name == "report.html" { // checked by TestHTML: it inlines the plots
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if *update {
		if err := os.RemoveAll(goldenDir); err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			p := filepath.Join(goldenDir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, files[name], 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if _, err := os.Stat(goldenDir); os.IsNotExist(err) {
		t.Skipf("no golden files for %s: run go test -update to create them", runtime.GOARCH)
	}
	var want []string
	err := filepath.WalkDir(goldenDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(goldenDir, p)
			want = append(want, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, want) {
		t.Errorf("report files %q, golden files %q (go test -update rewrites them)", names, want)
	}
	for _, name := range names {
		golden, err := os.ReadFile(filepath.Join(goldenDir, filepath.FromSlash(name)))
		if err != nil {
			t.Error(err)
			continue
		}
		if got := files[name]; !bytes.Equal(got, golden) {
			t.Errorf("%s differs from its golden file (go test -update rewrites it):\n%s", name, firstDiff(got, golden))
		}
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return "(same lines, different bytes)"
}

// TestDeterministic renders the same document twice: same bytes.
func TestDeterministic(t *testing.T) {
	a, b := tinyFiles(t), tinyFiles(t)
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two renderings", name)
		}
	}
}
