package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunCommands(t *testing.T) {
	for _, tt := range []struct {
		name       string
		args       []string
		code       int // -1: success
		wantOut    string
		wantErrOut string
	}{
		{"version", []string{"version"}, -1, "go go1", ""},
		{"help", []string{"help"}, -1, "validate", ""},
		{"designs", []string{"designs"}, -1, "v2-no-refcount      per-session  none", ""},
		{"profiles", []string{"profiles"}, -1, "epyc2s-milan", ""},
		{"designs takes no arguments", []string{"designs", "x"}, 2, "", `unexpected argument "x"`},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"bad flag", []string{"validate", "-nope"}, 2, "", "flag provided but not defined"},
		{"too few replications", []string{"validate", "-count", "1"}, 2, "", "replications 1: want 2..1000"},
		{"too many ops", []string{"validate", "-ops", "1000000000000"}, 2, "", "ops 1000000000000"},
		{"flag help", []string{"validate", "-h"}, -1, "", "-count"},
		{"stray argument", []string{"validate", "x.yaml"}, 2, "", `unexpected argument "x.yaml"`},
		{"validate passes", []string{"validate", "-q", "-count", "3", "-ops", "20000"}, -1, "0 failed", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(tt.args, &out, &errOut)
			switch {
			case tt.code < 0 && err != nil:
				t.Fatalf("error %v; stderr %s", err, errOut.String())
			case tt.code >= 0 && (err == nil || exitCode(err) != tt.code):
				t.Fatalf("err %v (exit %d), want exit %d", err, exitCode(err), tt.code)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q lacks %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErrOut) {
				t.Errorf("stderr %q lacks %q", errOut.String(), tt.wantErrOut)
			}
			if tt.code == 2 && out.Len() > 0 && tt.name != "unknown command" {
				t.Errorf("usage error wrote to stdout: %q", out.String())
			}
		})
	}
}

func TestRunCommand(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: x\ndesigns: [v9]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")

	// A bad scenario: positioned error, exit 2, nothing written.
	var so, se bytes.Buffer
	err := run([]string{"run", "-q", "-o", out, bad}, &so, &se)
	if err == nil || exitCode(err) != 2 || !strings.Contains(se.String(), bad+`:2: unknown design "v9"`) {
		t.Fatalf("bad scenario: err %v, stderr %q", err, se.String())
	}
	if _, statErr := os.Stat(out); !os.IsNotExist(statErr) {
		t.Errorf("a failed run created %s", out)
	}

	// -o '' writes nothing; -json prints the document.
	so.Reset()
	se.Reset()
	args := []string{"run", "-q", "-json", "-o", "", "-cpus", "4", "-design", "v2-no-refcount,v3-merged", "-count", "2"}
	if err := run(args, &so, &se); err != nil {
		t.Fatalf("run: %v (%s)", err, se.String())
	}
	var doc struct {
		Evidence string `json:"evidence"`
		SHA      string `json:"scenario_sha256"`
		Results  []struct {
			Design  string         `json:"design"`
			CPUs    int            `json:"cpus"`
			Hazards map[string]int `json:"hazards"`
		} `json:"results"`
	}
	if err := json.Unmarshal(so.Bytes(), &doc); err != nil {
		t.Fatalf("-json output: %v", err)
	}
	if doc.Evidence != "simulated" || len(doc.SHA) != 64 || len(doc.Results) != 2 || doc.Results[0].Design != "v2-no-refcount" || doc.Results[1].CPUs != 4 {
		t.Errorf("document %+v", doc)
	}
	if se.Len() != 0 {
		t.Errorf("-q printed to stderr: %q", se.String())
	}

	// Result files: the same bytes whatever -j; only manifest.json may
	// differ.
	var trees [2]map[string][]byte
	for i, j := range []string{"1", "2"} {
		o := filepath.Join(dir, "j"+j)
		if err := run([]string{"run", "-q", "-j", j, "-o", o, "-cpus", "1,8"}, &so, &se); err != nil {
			t.Fatal(err)
		}
		trees[i] = map[string][]byte{}
		err := filepath.WalkDir(o, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(o, p)
			trees[i][rel] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"results.json", "results.csv", "results.txt", "manifest.json", "hgrm/v3-merged.cpus=8.preserve.hgrm",
			"report.html", "report.md", "report.txt", "plots/spectrum-preserve.svg"} {
			if _, ok := trees[i][want]; !ok {
				t.Errorf("-o wrote no %s", want)
			}
		}
	}
	if len(trees[0]) != len(trees[1]) {
		t.Errorf("-j 1 wrote %d files, -j 2 %d", len(trees[0]), len(trees[1]))
	}
	for name, b := range trees[0] {
		if name != "manifest.json" && !bytes.Equal(withoutInvocation(t, name, b), withoutInvocation(t, name, trees[1][name])) {
			t.Errorf("%s differs between -j 1 and -j 2", name)
		}
		if strings.Contains(name, ".tmp") {
			t.Errorf("temporary file %s left behind", name)
		}
	}

	// Flag errors.
	for _, bad := range [][]string{{"run", "-design", "v9"}, {"run", "-cpus", "0"}, {"run", "-count", "-1"}, {"run", "-count", "0"},
		{"run", "-seed", "-3"}, {"run", "-j", "0"}, {"run", "a.yaml", "b.yaml"}, {"run", "/nonexistent.yaml"},
		{"run", "-max-events", "1000"}, {"run", "-max-events", "0"}} {
		if err := run(bad, &so, &se); err == nil || exitCode(err) != 2 {
			t.Errorf("%v: err %v, want exit 2", bad, err)
		}
	}
}

func TestScenarioCommand(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"scenario"}, "name: vm-fleet"},
		{[]string{"scenario", "steady-contention"}, "name: steady-contention"},
	} {
		var so, se bytes.Buffer
		if err := run(tt.args, &so, &se); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(so.String(), tt.want) || !strings.Contains(so.String(), "designs:") {
			t.Errorf("%v printed %q", tt.args, so.String())
		}
	}
}

func TestCompareCommand(t *testing.T) {
	var so, se bytes.Buffer
	for _, bad := range [][]string{{"compare"}, {"compare", "-design", "v3-merged"}, {"compare", "-design", "v3-merged,v9"},
		{"compare", "-design", "v2-no-refcount,v3-merged", "-count", "1"}, {"compare", "-design", "a,b,c"}} {
		if err := run(bad, &so, &se); err == nil || exitCode(err) != 2 {
			t.Errorf("%v: err %v, want exit 2", bad, err)
		}
	}
	so.Reset()
	if err := run([]string{"compare", "-q", "-json", "-design", "v2-no-refcount,v3-merged", "-cpus", "8"}, &so, &se); err != nil {
		t.Fatal(err)
	}
	var out struct {
		A, B        string
		Comparisons []struct {
			Op, Metric, Verdict string
		}
	}
	if err := json.Unmarshal(so.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.A != "v2-no-refcount" || out.B != "v3-merged" || len(out.Comparisons) < 9 || out.Comparisons[0].Verdict == "" {
		t.Errorf("compare -json: %+v", out)
	}
}

func TestPlanCommand(t *testing.T) {
	var so, se bytes.Buffer
	if err := run([]string{"plan", "-json", "-cpus", "1,4", "-count", "2", "steady-contention"}, &so, &se); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Count int
		Items []struct {
			Index       int
			Design      string
			Point       string
			Replication int
			Seed        string
		}
	}
	if err := json.Unmarshal(so.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.Count != 4*2*2 || len(out.Items) != out.Count || out.Items[2].Point != "cpus=4" || len(out.Items[0].Seed) != 32 {
		t.Errorf("plan: %+v", out)
	}
	so.Reset()
	if err := run([]string{"plan"}, &so, &se); err != nil || !strings.HasSuffix(so.String(), "105 items\n") {
		t.Errorf("plan of the default: err %v, output ends %q", err, so.String()[max(0, so.Len()-20):])
	}
}
