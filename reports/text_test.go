package reports_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/luosim/luosim/bench"
	"github.com/luosim/luosim/reports"
	"github.com/luosim/luosim/workload"
)

// TestTextWidth renders report.txt for the default scenario with a long
// name, registered and inline designs and many CPU counts: every line fits
// 72 columns and still names every design and the unsafe one.
func TestTextWidth(t *testing.T) {
	src, err := workload.EmbeddedSource(workload.DefaultScenario)
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for old, new := range map[string]string{
		"name: vm-fleet":                 "name: " + strings.Repeat("a very long scenario name ", 5),
		"replications: 3":                "replications: 2",
		"cpus: [1, 2, 4, 8, 16, 32, 64]": "cpus: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]",
		"designs: [v0-pinned, v1-per-file, v2-no-refcount, v3-merged, global-mutex]": "designs: [v2-no-refcount, global+norefcount, " +
			"{session: per-session, refcount: per-file, registry: global-rwsem}, {session: per-session, refcount: per-file, registry: split-rwsem}]",
	} {
		if !strings.Contains(s, old) {
			t.Fatalf("the default scenario no longer has %q", old)
		}
		s = strings.Replace(s, old, new, 1)
	}
	sc, err := workload.Parse("wide.yaml", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	doc := bench.Run(sc, bench.RunConfig{Version: "test", Workers: 2})
	var b bytes.Buffer
	if err := reports.WriteText(&b, doc); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if n := utf8.RuneCountInString(line); n > 72 {
			t.Errorf("line %d is %d columns wide:\n%s", i+1, n, line)
		}
	}
	for _, want := range []string{"v2-no-refcount", "global+norefcount", "d3 = per-session/per-file/global-rwsem", "d4 = per-session/per-file/split-rwsem", "UNSAFE", "simulated", " 1 ", " 64"} {
		if !strings.Contains(text, want) {
			t.Errorf("report.txt lacks %q:\n%s", want, text)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("report.txt:\n%s", text)
	}

	// report.txt is what WriteText writes.
	files, err := reports.Files(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(files["report.txt"], b.Bytes()) {
		t.Error("report.txt differs from WriteText's output")
	}
}

// TestSteady renders a steady workload: preserve only, no lifecycle
// phases. The plots without data are left out and the reports say so.
func TestSteady(t *testing.T) {
	sc, err := workload.Embedded("steady-contention")
	if err != nil {
		t.Fatal(err)
	}
	sc.CPUs, sc.Replications = []int{1, 4}, 2
	doc := bench.Run(sc, bench.RunConfig{Version: "test", Workers: 2})
	files, err := reports.Files(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"plots/spectrum-preserve.svg", "plots/cdf-preserve.svg", "plots/scaling-cpus-throughput-preserve.svg",
		"plots/scaling-cpus-p99-preserve.svg", "plots/breakdown-preserve.svg", "plots/contention.svg"} {
		if files[name] == nil {
			t.Errorf("no %s", name)
		}
	}
	for _, name := range []string{"plots/spectrum-retrieve.svg", "plots/phases.svg"} {
		if files[name] != nil {
			t.Errorf("%s drawn without data", name)
		}
	}
	for _, f := range []string{"report.html", "report.md"} {
		for _, want := range []string{"Plots not drawn", "no lifecycle phases", "no retrieve samples", "not recorded (no manifest.json)"} {
			if !bytes.Contains(files[f], []byte(want)) {
				t.Errorf("%s lacks %q", f, want)
			}
		}
	}
}

// TestSweepAxes gives the tiny results a second sweep axis, as issue 6's
// params: a scaling plot is drawn along it, the CPU plots hold it at its
// first value and say so.
func TestSweepAxes(t *testing.T) {
	doc, err := tiny()
	if err != nil {
		t.Fatal(err)
	}
	d := *doc
	d.Results = nil
	for _, n := range []float64{2, 8} {
		for _, r := range doc.Results {
			r.Params = map[string]float64{"sessions.count": n}
			r.Point = fmt.Sprintf("cpus=%d/sessions.count=%g", r.CPUs, n)
			d.Results = append(d.Results, r)
		}
	}
	files, err := reports.Files(&d, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"plots/scaling-sessions-count-p99-preserve.svg", "plots/scaling-sessions-count-throughput-retrieve.svg",
		"plots/scaling-cpus-p99-preserve.svg"} {
		if files[name] == nil {
			t.Errorf("no %s", name)
		}
	}
	md := string(files["report.md"])
	for _, want := range []string{"sessions.count=2 (its first value)", "at 2 simulated CPUs (the largest count)", "cpus=2/sessions.count=8"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
}

// TestBadDocuments: what cannot be plotted is an error, not a panic.
func TestBadDocuments(t *testing.T) {
	doc, err := tiny()
	if err != nil {
		t.Fatal(err)
	}
	nan := func(d *bench.Document) {
		r := &d.Results[0]
		o := r.Ops["preserve"]
		o.Latency.P99 = float64(0) / zero
		ops := map[string]bench.OpResult{}
		for k, v := range r.Ops {
			ops[k] = v
		}
		ops["preserve"] = o
		r.Ops = ops
	}
	for _, tt := range []struct {
		name    string
		edit    func(d *bench.Document)
		wantErr string
	}{
		{"no results", func(d *bench.Document) { d.Results = nil }, "no results"},
		{"NaN", nan, "ops.preserve.latency_ns is NaN"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := *doc
			d.Results = append([]bench.PointResult(nil), doc.Results...)
			tt.edit(&d)
			_, err := reports.Files(&d, nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
			if err := reports.WriteText(new(bytes.Buffer), &d); err == nil {
				t.Error("WriteText accepted it")
			}
		})
	}
	if _, err := reports.Files(nil, nil); err == nil {
		t.Error("Files(nil) succeeded")
	}
}

var zero float64

// TestSmallSweeps renders sweeps with one CPU count, one replication and
// one design: the plots still draw (one point per design, no CI bars).
func TestSmallSweeps(t *testing.T) {
	data, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		edit func(sc *workload.Scenario)
		want string
	}{
		{"one cpu count", func(sc *workload.Scenario) { sc.CPUs = []int{4} }, "single cpus value"},
		{"one replication", func(sc *workload.Scenario) { sc.Replications = 1 }, "one replication: no interval"},
		{"one design", func(sc *workload.Scenario) { sc.Designs = sc.Designs[:1] }, "fastest p99 preserve"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := workload.Parse("tiny.yaml", data)
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(sc)
			doc := bench.Run(sc, bench.RunConfig{Version: "test", Workers: 2})
			files, err := reports.Render(doc, nil, reports.Options{PNG: tt.name == "one cpu count"})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"plots/scaling-cpus-p99-preserve.svg", "plots/scaling-cpus-p99-preserve.png", "plots/spectrum-retrieve.svg", "plots/phases.svg"} {
				if strings.HasSuffix(name, ".png") && tt.name != "one cpu count" {
					continue
				}
				if len(files[name]) == 0 {
					t.Errorf("no %s", name)
				}
			}
			if !bytes.Contains(files["report.md"], []byte(tt.want)) {
				t.Errorf("report.md lacks %q", tt.want)
			}
		})
	}
}
