package bench

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"

	"github.com/luosim/luosim/sim"
	"github.com/luosim/luosim/workload"
)

func smallDoc(t *testing.T) *Document {
	t.Helper()
	sc := workload.Default()
	sc.CPUs, sc.Replications = []int{2, 8}, 3
	return Run(sc, RunConfig{Version: "test", Workers: 2})
}

// TestBenchfmt parses results.txt with x/perf's reader: one result per
// design, CPU count, op and replication, with luosim's config keys.
func TestBenchfmt(t *testing.T) {
	doc := smallDoc(t)
	files, err := ResultFiles(doc)
	if err != nil {
		t.Fatal(err)
	}
	r := benchfmt.NewReader(bytes.NewReader(files["results.txt"]), "results.txt")
	n := 0
	designs := map[string]bool{}
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Fatalf("syntax error: %v", rec)
		case *benchfmt.Result:
			n++
			if v := rec.GetConfig("evidence"); v != "simulated" {
				t.Errorf("evidence = %q", v)
			}
			if v := rec.GetConfig("scenario-sha256"); v != doc.ScenarioSHA256 {
				t.Errorf("scenario-sha256 = %q", v)
			}
			name := rec.Name.String()
			if i := strings.Index(name, "/design="); i > 0 {
				designs[strings.SplitN(name[i+len("/design="):], "/", 2)[0]] = true
			}
			units := map[string]bool{}
			for _, v := range rec.Values { // benchfmt tidies some units; OrigUnit is then as written
				u := v.OrigUnit
				if u == "" {
					u = v.Unit
				}
				units[u] = v.Value >= 0
			}
			for _, u := range []string{"sim-ns/op", "p50-sim-ns", "p99-sim-ns", "ops/sim-s"} {
				if !units[u] {
					t.Errorf("%s has no %s (units %v)", name, u, units)
				}
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, p := range doc.Results {
		for _, rep := range p.Replicas {
			want += len(rep.Ops)
		}
	}
	if n != want || len(designs) != len(doc.Results)/2 {
		t.Errorf("%d results for %d designs, want %d for %d", n, len(designs), want, len(doc.Results)/2)
	}
}

func TestCSVAndHgrm(t *testing.T) {
	doc := smallDoc(t)
	files, err := ResultFiles(doc)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(files["results.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "scenario,design,cpus,point,replication,op,metric,unit,value" {
		t.Errorf("header %v", rows[0])
	}
	if rows[1][0] != "vm-fleet" || len(rows) < 100 {
		t.Errorf("%d rows, first %v", len(rows), rows[1])
	}
	h := string(files["hgrm/v3-merged.cpus=8.preserve.hgrm"])
	if !strings.HasPrefix(strings.TrimSpace(h), "Value") || !strings.Contains(h, "#[Total") && !strings.Contains(h, "Total count") {
		t.Fatalf("hgrm:\n%s", h)
	}
	lines := strings.Split(strings.TrimSpace(h), "\n")
	var last string
	for _, l := range lines {
		if strings.Contains(l, " inf") {
			last = l
		}
	}
	want := doc.Results[0].Ops["preserve"].Count
	for _, p := range doc.Results {
		if p.Design == "v3-merged" && p.CPUs == 8 {
			want = p.Ops["preserve"].Count
		}
	}
	if f := strings.Fields(last); len(f) != 4 || f[1] != "1.000000000000" || f[2] != itoa(int(want)) {
		t.Errorf("last percentile row %q, want 100%% at count %d", last, want)
	}
}

// TestHgrmRows: every data row starts with a space and no value exceeds
// the maximum (hdr-plot reads rows by their leading whitespace).
func TestHgrmRows(t *testing.T) {
	var h sim.Histogram
	for _, v := range []int64{6400009584, 6400009584, 6400009584, 20559, 1e7, 3e7} {
		h.Record(v)
	}
	var b bytes.Buffer
	writeHgrm(&b, &h)
	rows := 0
	for _, l := range strings.Split(b.String(), "\n") {
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(strings.TrimSpace(l), "Value") {
			continue
		}
		rows++
		if !strings.HasPrefix(l, " ") {
			t.Errorf("row %q has no leading space", l)
		}
		if v, _ := strconv.ParseFloat(strings.Fields(l)[0], 64); v > 6400009.584+1e-6 {
			t.Errorf("row value %g µs above the maximum", v)
		}
	}
	if rows != 4 {
		t.Errorf("%d rows, want 4 buckets", rows)
	}
}
