package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luosim/luosim/bench"
	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/workload"
)

func TestParseShard(t *testing.T) {
	for _, tt := range []struct {
		name   string
		spec   string
		shards int
		env    map[string]string
		want   shardSpec
		errMsg string
	}{
		{"none", "", 0, nil, shardSpec{0, 1}, ""},
		{"explicit", "2/7", 0, nil, shardSpec{2, 7}, ""},
		{"one of one", "0/1", 0, nil, shardSpec{0, 1}, ""},
		{"index too big", "7/7", 0, nil, shardSpec{}, "want i/n with 0 <= i < n"},
		{"garbage", "a/b", 0, nil, shardSpec{}, "want i/n"},
		{"no slash", "3", 0, nil, shardSpec{}, "want i/n"},
		{"zero shards", "0/0", 0, nil, shardSpec{}, "want i/n"},
		{"shards without auto", "1/4", 4, nil, shardSpec{}, "-shards is only for -shard auto"},
		{"slurm", "auto", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "8"}, shardSpec{3, 8}, ""},
		{"slurm from 1", "auto", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "1"}, shardSpec{7, 8}, ""},
		{"slurm disagrees", "auto", 4, map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "8"}, shardSpec{}, "disagrees"},
		{"k8s", "auto", 5, map[string]string{"JOB_COMPLETION_INDEX": "4"}, shardSpec{4, 5}, ""},
		{"k8s needs count", "auto", 0, map[string]string{"JOB_COMPLETION_INDEX": "4"}, shardSpec{}, "pass -shards N"},
		{"k8s out of range", "auto", 4, map[string]string{"JOB_COMPLETION_INDEX": "4"}, shardSpec{}, "outside 0..3"},
		{"parallel is 1-based", "auto", 3, map[string]string{"PARALLEL_SEQ": "1"}, shardSpec{0, 3}, ""},
		{"gcp batch", "auto", 0, map[string]string{"BATCH_TASK_INDEX": "1", "BATCH_TASK_COUNT": "2"}, shardSpec{1, 2}, ""},
		{"aws", "auto", 2, map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "1"}, shardSpec{1, 2}, ""},
		{"not a number", "auto", 2, map[string]string{"JOB_COMPLETION_INDEX": "x"}, shardSpec{}, "not a number"},
		{"nothing set", "auto", 2, nil, shardSpec{}, "none of SLURM_ARRAY_TASK_ID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseShard(tt.spec, tt.shards, func(k string) string { return tt.env[k] })
			if tt.errMsg != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errMsg) || exitCode(err) != 2 {
					t.Fatalf("got %v, %v; want exit-2 error containing %q", got, err, tt.errMsg)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// readTree returns every file under dir by relative name.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameOutputs fails unless a and b hold the same files with the same
// bytes, apart from the invocation details: manifest.json, and the
// reports' reproducibility section, which shows the command line, host
// and wall time from it. Everything else, results and plots included,
// must be byte-identical.
func sameOutputs(t *testing.T, a, b string) {
	t.Helper()
	fa, fb := readTree(t, a), readTree(t, b)
	delete(fa, "manifest.json")
	delete(fb, "manifest.json")
	if len(fa) != len(fb) || len(fa) < 8 {
		t.Fatalf("%s has %d files, %s %d", a, len(fa), b, len(fb))
	}
	for n, data := range fa {
		if !bytes.Equal(withoutInvocation(t, n, data), withoutInvocation(t, n, fb[n])) {
			t.Errorf("%s differs between %s and %s", n, a, b)
		}
	}
}

// withoutInvocation cuts the reproducibility section out of report.md
// and report.html.
func withoutInvocation(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	var start, end []byte
	switch name {
	case "report.md":
		start, end = []byte("## Reproducibility\n"), []byte("\n## ")
	case "report.html":
		start, end = []byte(`<section id="reproducibility">`), []byte("</section>")
	default:
		return data
	}
	i := bytes.Index(data, start)
	if i < 0 {
		t.Fatalf("%s has no reproducibility section", name)
	}
	j := bytes.Index(data[i:], end)
	if j < 0 {
		return data[:i]
	}
	return append(append([]byte(nil), data[:i]...), data[i+j:]...)
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(args, &out, &errOut); err != nil {
		t.Fatalf("luosim %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// TestShardMerge: a sweep run whole, and split into 1, 3 and 7 shards
// (two of them sharing one directory) and merged, gives the same bytes.
func TestShardMerge(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-q", "-cpus", "1,4", "-count", "3", "-j", "2"}
	whole := filepath.Join(dir, "whole")
	table := runOK(t, append(append([]string{"run"}, args...), "-o", whole)...)
	for _, n := range []int{1, 3, 7} {
		sdir := filepath.Join(dir, "shards", strings.Repeat("n", n))
		for i := 0; i < n; i++ {
			runOK(t, append(append([]string{"run"}, args...), "-shard", fmt.Sprintf("%d/%d", i, n), "-o", sdir)...)
		}
		names, _ := filepath.Glob(filepath.Join(sdir, "*"))
		if len(names) != n {
			t.Fatalf("%d shards left %v", n, names)
		}
		merged := filepath.Join(dir, "merged", strings.Repeat("n", n))
		if got := runOK(t, "merge", "-q", "-o", merged, sdir); got != table {
			t.Errorf("%d shards: merge printed\n%s\nwant\n%s", n, got, table)
		}
		sameOutputs(t, whole, merged)
	}
	// Shards spread over several directories merge too.
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	runOK(t, append(append([]string{"run"}, args...), "-shard", "0/2", "-o", a)...)
	runOK(t, append(append([]string{"run"}, args...), "-shard", "1/2", "-o", b)...)
	runOK(t, "merge", "-q", "-o", filepath.Join(dir, "ab"), a, b)
	sameOutputs(t, whole, filepath.Join(dir, "ab"))
}

// TestMergeRefuses: gaps and disagreements exit 1 naming the shards to
// rerun; damaged or foreign files exit 2 naming the file; neither writes
// anything.
func TestMergeRefuses(t *testing.T) {
	dir := t.TempDir()
	args := []string{"run", "-q", "-cpus", "2", "-count", "2", "-design", "v1-per-file,v3-merged"}
	good := filepath.Join(dir, "good")
	for i := 0; i < 3; i++ {
		runOK(t, append(args, "-shard", fmt.Sprintf("%d/%d", i, 3), "-o", good)...)
	}
	shard1 := filepath.Join(good, bench.ShardName(1, 3, false))
	data, err := os.ReadFile(shard1)
	if err != nil {
		t.Fatal(err)
	}
	variant := func(name string, edit func(dir string)) string {
		d := filepath.Join(dir, name)
		os.MkdirAll(d, 0o755)
		for _, f := range readTreeNames(t, good) {
			b, _ := os.ReadFile(filepath.Join(good, f))
			os.WriteFile(filepath.Join(d, f), b, 0o644)
		}
		edit(d)
		return d
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	for _, tt := range []struct {
		name string
		edit func(d string)
		code int
		want string
	}{
		{"missing shard", func(d string) { os.Remove(filepath.Join(d, bench.ShardName(1, 3, false))) }, 1, "rerun shards 1 of 3"},
		{"partial only", func(d string) {
			os.Rename(filepath.Join(d, bench.ShardName(1, 3, false)), filepath.Join(d, bench.ShardName(1, 3, true)))
		}, 1, "shard 1/3: 1 item missing [1]"},
		{"truncated", func(d string) {
			os.WriteFile(filepath.Join(d, bench.ShardName(1, 3, false)), data[:len(data)-40], 0o644)
		}, 2, "shard-0001-of-0003.jsonl:2: truncated"},
		{"corrupted line", func(d string) {
			bad := bytes.Join([][]byte{lines[0], []byte("{\"index\": 1, oops\n"), lines[2], lines[3]}, nil)
			os.WriteFile(filepath.Join(d, bench.ShardName(1, 3, false)), bad, 0o644)
		}, 2, "shard-0001-of-0003.jsonl:2: bad item result"},
		{"not a shard", func(d string) {
			os.WriteFile(filepath.Join(d, bench.ShardName(1, 3, false)), []byte("hello\n"), 0o644)
		}, 2, "shard-0001-of-0003.jsonl:1: not a luosim shard file"},
		{"empty", func(d string) { os.WriteFile(filepath.Join(d, bench.ShardName(1, 3, false)), nil, 0o644) }, 2, "empty file"},
		{"other version", func(d string) {
			b := bytes.Replace(data, []byte(`"luosim_version":"`), []byte(`"luosim_version":"v0.0.1-other`), 1)
			os.WriteFile(filepath.Join(d, bench.ShardName(1, 3, false)), b, 0o644)
		}, 1, "written by luosim v0.0.1-other"},
		{"other build", func(d string) {
			b := bytes.Replace(data, []byte(`"build":"`), []byte(`"build":"exe:0000`), 1)
			os.WriteFile(filepath.Join(d, bench.ShardName(1, 3, false)), b, 0o644)
		}, 1, "written by another build"},
		{"impossible histogram", func(d string) {
			// A latency sum no set of its values adds up to (it would
			// turn into an infinite mean).
			var item map[string]any
			if err := json.Unmarshal(lines[1], &item); err != nil {
				t.Fatal(err)
			}
			item["ops"].([]any)[0].(map[string]any)["latency_ns"].(map[string]any)["sum"] = 1e300
			bad, _ := json.Marshal(item)
			b := bytes.Join([][]byte{lines[0], append(bad, '\n'), lines[2]}, nil)
			os.WriteFile(filepath.Join(d, bench.ShardName(1, 3, false)), b, 0o644)
		}, 2, "shard-0001-of-0003.jsonl:2: bad item result: histogram: sums 1e+300"},
		{"conflicting duplicate", func(d string) {
			// A retry that came out different: same item, other bytes.
			b := bytes.Replace(data, []byte(`"events":`), []byte(`"events":1`), 1)
			os.MkdirAll(filepath.Join(d, "retry"), 0o755)
			os.WriteFile(filepath.Join(d, "retry", bench.ShardName(1, 3, false)), b, 0o644)
		}, 1, "differs between"},
		{"foreign scenario", func(d string) {
			b := bytes.Replace(data, []byte(`"scenario_sha256":"`), []byte(`"scenario_sha256":"0`), 1)
			os.WriteFile(filepath.Join(d, bench.ShardName(1, 3, false)), b, 0o644)
		}, 2, "does not match its scenario"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := variant(strings.ReplaceAll(tt.name, " ", "-"), tt.edit)
			dirs := []string{d}
			if _, err := os.Stat(filepath.Join(d, "retry")); err == nil {
				dirs = append(dirs, filepath.Join(d, "retry"))
			}
			out := filepath.Join(dir, "out-"+strings.ReplaceAll(tt.name, " ", "-"))
			var so, se bytes.Buffer
			err := run(append([]string{"merge", "-q", "-o", out}, dirs...), &so, &se)
			if err == nil || exitCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v (exit %d), want exit %d with %q", err, exitCode(err), tt.code, tt.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a refused merge created %s", out)
			}
		})
	}
}

func readTreeNames(t *testing.T, dir string) []string {
	var names []string
	for n := range readTree(t, dir) {
		names = append(names, n)
	}
	return names
}

// TestResume: a run continued with -resume from a checkpoint of some of
// its items gives the bytes of a run made in one go, and runs only the
// rest.
func TestResume(t *testing.T) {
	dir := t.TempDir()
	args := []string{"run", "-q", "-cpus", "1,2", "-count", "2", "-design", "v2-no-refcount,v3-merged"}
	whole := filepath.Join(dir, "whole")
	runOK(t, append(args, "-o", whole)...)

	sc := workload.Default()
	sc.CPUs, sc.Replications = []int{1, 2}, 2
	sc.Designs = sc.Designs[:0]
	for _, n := range []string{"v2-no-refcount", "v3-merged"} {
		d, _ := lockmodels.LookupDesign(n)
		sc.Designs = append(sc.Designs, d)
	}
	plan := bench.Plan(sc)
	some, err := bench.RunItems(sc, []bench.Item{plan[0], plan[3], plan[6]}, bench.RunConfig{Workers: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	version, _, _ := versionInfo()
	var b bytes.Buffer
	if err := bench.WriteShard(&b, bench.ShardHeader{Version: version, Build: buildID(), ScenarioSHA256: sc.SHA256(), Scenario: sc.CanonicalJSON(),
		Shard: 0, Shards: 1, Items: len(plan), Partial: true}, some); err != nil {
		t.Fatal(err)
	}
	resumed := filepath.Join(dir, "resumed")
	os.MkdirAll(resumed, 0o755)
	if err := os.WriteFile(filepath.Join(resumed, bench.ShardName(0, 1, true)), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run([]string{"run", "-resume", "-cpus", "1,2", "-count", "2", "-design", "v2-no-refcount,v3-merged", "-o", resumed}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "3 already complete") {
		t.Errorf("stderr %q does not say 3 items were resumed", errOut.String())
	}
	sameOutputs(t, whole, resumed) // the checkpoint is gone once the results are written
}

// TestCheckFlag: -check runs the invariant checks and changes no result.
func TestCheckFlag(t *testing.T) {
	dir := t.TempDir()
	args := []string{"run", "-q", "-cpus", "1,8", "-count", "2", "-design", "v2-no-refcount,global-mutex"}
	plain, checked := filepath.Join(dir, "plain"), filepath.Join(dir, "checked")
	runOK(t, append(args, "-o", plain)...)
	runOK(t, append(args, "-check", "-o", checked)...)
	sameOutputs(t, plain, checked)
}

// TestSweepShards: a scenario sweeping two fields besides cpus and
// designs names its points in every output and merges from 3 shards to
// the bytes of the whole run.
func TestSweepShards(t *testing.T) {
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole")
	table := runOK(t, "run", "-q", "-o", whole, "testdata/sweep.yaml")
	if !strings.Contains(table, "cpus=4/sessions.count=8/handlers.memfd.preserve.mean=50us") {
		t.Errorf("the table does not name the sweep's points:\n%s", table)
	}
	for i := 0; i < 3; i++ {
		runOK(t, "run", "-q", "-shard", fmt.Sprintf("%d/%d", i, 3), "-o", filepath.Join(dir, "shards"), "testdata/sweep.yaml")
	}
	runOK(t, "merge", "-q", "-o", filepath.Join(dir, "merged"), filepath.Join(dir, "shards"))
	sameOutputs(t, whole, filepath.Join(dir, "merged"))
	plan := runOK(t, "plan", "testdata/sweep.yaml")
	if !strings.HasSuffix(plan, "32 items\n") {
		t.Errorf("plan of 2 designs x 2 cpus x 2 x 2 points x 2 replications: %q", plan[max(0, len(plan)-40):])
	}
	files := readTree(t, whole)
	if _, ok := files["plots/scaling-sessions-count-p99-preserve.svg"]; !ok {
		t.Error("no scaling plot against the sessions.count axis")
	}
	if txt := string(files["report.txt"]); !strings.Contains(txt, "handlers.memfd.preserve.mean=10us") {
		t.Errorf("report.txt does not name the sweep value as written:\n%s", txt)
	}
}

func TestOverlap(t *testing.T) {
	for _, tt := range []struct {
		i, n, j, m int
	}{{0, 1, 5, 7}, {1, 3, 4, 6}, {2, 3, 4, 6}, {0, 2, 1, 4}, {3, 4, 1, 2}, {2, 5, 3, 7}} {
		want := false
		for idx := 0; idx < tt.n*tt.m; idx++ {
			want = want || idx%tt.n == tt.i && idx%tt.m == tt.j
		}
		if got := overlap(tt.i, tt.n, tt.j, tt.m); got != want {
			t.Errorf("overlap(%d/%d, %d/%d) = %v, want %v", tt.i, tt.n, tt.j, tt.m, got, want)
		}
	}
}

// TestResumeSkipsForeignAndDamaged: -resume leaves other sweeps' files
// alone and recomputes the items of a damaged checkpoint of its own.
func TestResumeSkipsForeignAndDamaged(t *testing.T) {
	dir := t.TempDir()
	args := []string{"run", "-q", "-cpus", "2", "-count", "2", "-design", "v2-no-refcount,v3-merged"}
	whole := filepath.Join(dir, "whole")
	runOK(t, append(args, "-o", whole)...)
	out := filepath.Join(dir, "out")
	runOK(t, append(args, "-shard", "0/1", "-o", out)...) // a complete shard of this sweep ...
	ck := filepath.Join(out, bench.ShardName(0, 1, true))
	data, _ := os.ReadFile(filepath.Join(out, bench.ShardName(0, 1, false)))
	os.Remove(filepath.Join(out, bench.ShardName(0, 1, false)))
	os.WriteFile(ck, data[:len(data)/2], 0o644)                                                            // ... cut in half
	os.WriteFile(filepath.Join(out, "shard-0005-of-0009.jsonl"), []byte("{\"other\": \"tool\"}\n"), 0o644) // not ours
	var so, se bytes.Buffer
	if err := run(append(args, "-resume", "-o", out), &so, &se); err != nil {
		t.Fatalf("%v\n%s", err, se.String())
	}
	if !strings.Contains(se.String(), "-resume: skipping") || !strings.Contains(se.String(), "truncated") {
		t.Errorf("stderr %q does not report the damaged checkpoint", se.String())
	}
	os.Remove(filepath.Join(out, "shard-0005-of-0009.jsonl"))
	sameOutputs(t, whole, out)
}
