package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// listDir lists every file under dir, relative to it.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	res := filepath.Join(dir, "res")
	var so, se bytes.Buffer
	if err := run([]string{"run", "-q", "-o", res, "-cpus", "1,2", "-count", "2", "-design", "v2-no-refcount,v3-merged"}, &so, &se); err != nil {
		t.Fatalf("run: %v (%s)", err, se.String())
	}
	results, err := os.ReadFile(filepath.Join(res, "results.json"))
	if err != nil {
		t.Fatal(err)
	}

	// A good directory: the report is written into it, report.txt printed.
	so.Reset()
	se.Reset()
	if err := run([]string{"report", res}, &so, &se); err != nil {
		t.Fatalf("report: %v (%s)", err, se.String())
	}
	txt, err := os.ReadFile(filepath.Join(res, "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if so.String() != string(txt) || !strings.Contains(so.String(), "v2-no-refcount") || !strings.Contains(so.String(), "UNSAFE") {
		t.Errorf("stdout is not report.txt:\n%s", so.String())
	}
	if !strings.Contains(se.String(), "report.html") {
		t.Errorf("stderr %q lacks the status line", se.String())
	}
	files := listDir(t, res)
	for _, want := range []string{"report.html", "report.md", "report.txt", "plots/spectrum-preserve.svg", "plots/scaling-cpus-p99-preserve.svg"} {
		if !slices.Contains(files, want) {
			t.Errorf("%s not written: %q", want, files)
		}
	}
	html, _ := os.ReadFile(filepath.Join(res, "report.html"))
	if !bytes.Contains(html, []byte("luosim run -q -o")) {
		t.Error("report.html lacks the command line of manifest.json")
	}

	// -o elsewhere, -png, -q: the result directory is left alone.
	other := filepath.Join(dir, "other")
	before := listDir(t, res)
	so.Reset()
	se.Reset()
	if err := run([]string{"report", "-q", "-png", "-o", other, res}, &so, &se); err != nil {
		t.Fatalf("report -o: %v (%s)", err, se.String())
	}
	if se.Len() > 0 {
		t.Errorf("-q printed %q", se.String())
	}
	if got := listDir(t, res); !slices.Equal(got, before) {
		t.Errorf("report -o changed the result directory: %q, was %q", got, before)
	}
	if got := listDir(t, other); !slices.Contains(got, "report.html") || !slices.Contains(got, "plots/phases.png") {
		t.Errorf("report -o %s wrote %q", other, got)
	}

	// Bad input: exit 2, an error naming the file, nothing written.
	for _, tt := range []struct {
		name     string
		results  []byte // nil: no results.json
		manifest []byte
		wantErr  string
	}{
		{"missing", nil, nil, "results.json: no such file"},
		{"empty", []byte{}, nil, "results.json: empty file"},
		{"truncated", results[:len(results)/2], nil, "results.json: truncated"},
		{"another version", bytes.Replace(results, []byte(`"luosim_version": "`), []byte(`"luosim_version": "v9.9.9-`), 1), nil, "written by luosim v9.9.9-"},
		{"not a result document", []byte(`{"hello": 1}`), nil, "results.json"},
		{"bad manifest", results, []byte(`{"command": [`), "manifest.json: truncated"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := filepath.Join(t.TempDir(), "res")
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
			if tt.results != nil {
				if err := os.WriteFile(filepath.Join(d, "results.json"), tt.results, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.manifest != nil {
				if err := os.WriteFile(filepath.Join(d, "manifest.json"), tt.manifest, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := listDir(t, d)
			var so, se bytes.Buffer
			err := run([]string{"report", "-q", d}, &so, &se)
			if err == nil || exitCode(err) != 2 {
				t.Fatalf("err %v (exit %d), want exit 2", err, exitCode(err))
			}
			if !strings.Contains(se.String(), tt.wantErr) {
				t.Errorf("stderr %q lacks %q", se.String(), tt.wantErr)
			}
			if so.Len() > 0 {
				t.Errorf("stdout %q", so.String())
			}
			if got := listDir(t, d); !slices.Equal(got, before) {
				t.Errorf("files %q after a refused report, were %q", got, before)
			}
		})
	}

	// Usage errors.
	for _, args := range [][]string{{"report"}, {"report", "a", "b"}, {"report", "-nope", res}} {
		if err := run(args, new(bytes.Buffer), new(bytes.Buffer)); err == nil || exitCode(err) != 2 {
			t.Errorf("%q: err %v, want exit 2", args, err)
		}
	}
}
