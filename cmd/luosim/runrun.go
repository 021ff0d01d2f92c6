package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/luosim/luosim/bench"
)

func runRun(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := newFlags("run", stderr)
	f.register(fs)
	shardFlag := fs.String("shard", "", "run only shard `i/n` of the sweep (items whose index mod n is i) into -o as shard-IIII-of-NNNN.jsonl; "+
		"auto takes i (and n) from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, PARALLEL_SEQ, AWS_BATCH_JOB_ARRAY_INDEX or BATCH_TASK_INDEX")
	shards := fs.Int("shards", 0, "with -shard auto: the shard `count`, for batch systems that give only an index")
	resume := fs.Bool("resume", false, "skip items already complete in -o (same scenario, luosim version and build)")
	if err := f.parse(fs, args); err != nil {
		return err
	}
	sc, name, err := loadScenario(fs.Args(), &f)
	if err != nil {
		return err
	}
	spec, err := parseShard(*shardFlag, *shards, os.Getenv)
	if err != nil {
		return err
	}
	sharded := *shardFlag != ""
	if (sharded || *resume) && f.out == "" {
		return &usageError{"-shard and -resume need an output directory (-o DIR)"}
	}
	if sharded && f.json {
		return &usageError{"-json prints a whole sweep's document: merge the shards (luosim merge) for it"}
	}
	version, revision, goVersion := versionInfo()
	plan := bench.Plan(sc)
	var items []bench.Item // this run's share: index mod n == i
	for i := spec.i; i < len(plan); i += spec.n {
		items = append(items, plan[i])
	}
	ck := &checkpoint{dir: f.out, header: bench.ShardHeader{Version: version, Build: buildID(), ScenarioSHA256: sc.SHA256(),
		Scenario: sc.CanonicalJSON(), Shard: spec.i, Shards: spec.n, Items: len(plan), Partial: true}}
	if f.out != "" {
		_, err := os.Stat(filepath.Join(f.out, ck.name()))
		ck.inherited = err == nil
	}
	if *resume {
		if err := ck.resume(items, stderr); err != nil {
			return err
		}
	}
	todo := make([]bench.Item, 0, len(items))
	for _, it := range items {
		if _, ok := ck.done[it.Index]; !ok {
			todo = append(todo, it)
		}
	}
	if !f.quiet {
		what := fmt.Sprintf("%d items", len(items))
		if sharded {
			what = fmt.Sprintf("shard %d/%d: %d of %d items", spec.i, spec.n, len(items), ck.header.Items)
		}
		if n := len(items) - len(todo); n > 0 {
			what += fmt.Sprintf(", %d already complete in %s", n, f.out)
		}
		fmt.Fprintf(stderr, "luosim: %s: %d designs x %d points x %d replications (%s) ...\n",
			sc.Name, len(sc.Designs), ck.header.Items/len(sc.Designs)/sc.Replications, sc.Replications, what)
	}
	start := time.Now()
	prog := newProgress(stderr, f.quiet, len(items), len(items)-len(todo))
	ctx, stop := interruptible()
	defer stop()
	_, err = bench.RunItems(sc, todo, bench.RunConfig{Version: version, Workers: f.jobs, Context: ctx, Check: f.check}, func(r bench.ItemResult) {
		prog.add()
		ck.add(r)
	})
	prog.finish()
	if err != nil {
		if sig := interruptedBy(ctx); sig != nil {
			in := sig.(*interrupted)
			if f.out != "" && len(ck.fresh) > 0 {
				if werr := ck.flush(); werr != nil {
					return werr
				}
				in.saved = fmt.Sprintf("%d complete items saved in %s: rerun with -resume to continue",
					len(ck.done), filepath.Join(f.out, ck.name()))
			}
			return in
		}
		ck.discardOwn()
		return fmt.Errorf("the model broke an invariant, no result written: %w", err)
	}
	wall := time.Since(start)
	results := ck.results()
	if sharded {
		var b bytes.Buffer
		h := ck.header
		h.Partial = false
		if err := bench.WriteShard(&b, h, results); err != nil {
			return err
		}
		shardFile := bench.ShardName(spec.i, spec.n, false)
		if err := writeFiles(f.out, map[string][]byte{shardFile: b.Bytes()}); err != nil {
			return err
		}
		ck.discard()
		if !f.quiet {
			fmt.Fprintf(stderr, "luosim: done in %.1fs: %s\n", wall.Seconds(), filepath.Join(f.out, shardFile))
		}
		return nil
	}
	doc, err := bench.Combine(sc, version, results)
	if err != nil {
		return err
	}
	manifest := map[string]any{
		"command":      append([]string{"luosim", "run"}, args...),
		"scenario":     name,
		"workers":      f.jobs,
		"wall_seconds": wall.Seconds(),
		"started":      start.UTC().Format(time.RFC3339),
		"host":         hostname(),
		"go":           goVersion,
		"revision":     revision,
		"luosim":       version,
	}
	if n := len(items) - len(todo); n > 0 {
		manifest["resumed_items"] = n
	}
	if err := emit(doc, &f, manifest, stdout); err != nil {
		ck.discardOwn()
		return err
	}
	ck.discard()
	if !f.quiet {
		fmt.Fprintf(stderr, "luosim: done in %.1fs\n", wall.Seconds())
		if f.out != "" {
			fmt.Fprintf(stderr, "report: %s (also report.md, report.txt, results.*, manifest.json)\n", filepath.Join(f.out, "report.html"))
		}
	}
	return nil
}

// emit prints doc (the table, or JSON with -json) and writes the result
// files, the report and manifest.json to -o, all or nothing.
func emit(doc *bench.Document, f *runFlags, manifest map[string]any, stdout io.Writer) error {
	var buf bytes.Buffer
	var err error
	if f.json {
		err = bench.WriteJSON(&buf, doc)
	} else {
		err = bench.WriteTable(&buf, doc)
	}
	if err != nil {
		return err
	}
	if f.out != "" {
		files, err := bench.ResultFiles(doc)
		if err != nil {
			return err
		}
		m, err := json.MarshalIndent(manifest, "", "  ")
		if err != nil {
			return err
		}
		files["manifest.json"] = append(m, '\n')
		rep, err := renderReport(doc, files["manifest.json"])
		if err != nil {
			return err
		}
		for n, b := range rep {
			files[n] = b
		}
		if err := writeFiles(f.out, files); err != nil {
			return err
		}
	}
	_, err = stdout.Write(buf.Bytes())
	return err
}

// checkpoint keeps a run's completed items and saves them, now and then
// and when the run is interrupted, as a partial shard file in dir, so
// that -resume continues where the run stopped.
type checkpoint struct {
	dir    string
	header bench.ShardHeader
	done   map[int]bench.ItemResult
	fresh  []int // items completed by this run
	saved  time.Time
	every  time.Duration // between saves: at least checkpointEvery, and 20 times the last save's cost
	// inherited: the checkpoint file was there before this run.
	inherited bool
}

const checkpointEvery = 5 * time.Second

func (c *checkpoint) name() string { return bench.ShardName(c.header.Shard, c.header.Shards, true) }

// add records a completed item; it saves the checkpoint when the last
// save is old enough.
func (c *checkpoint) add(r bench.ItemResult) {
	if c.done == nil {
		c.done = map[int]bench.ItemResult{}
		c.saved = time.Now()
	}
	c.done[r.Index] = r
	c.fresh = append(c.fresh, r.Index)
	if c.dir != "" && time.Since(c.saved) >= max(c.every, checkpointEvery) {
		// A failed save is not fatal: the run goes on, and the final
		// save or the result files report any lasting problem.
		_ = c.flush()
	}
}

// results returns the completed items in index order.
func (c *checkpoint) results() []bench.ItemResult {
	out := make([]bench.ItemResult, 0, len(c.done))
	for _, r := range c.done {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b bench.ItemResult) int { return a.Index - b.Index })
	return out
}

// flush writes the checkpoint file atomically.
// Each save rewrites every completed item, so saves are spaced to cost
// at most about 5% of the run.
func (c *checkpoint) flush() error {
	start := time.Now()
	var b bytes.Buffer
	if err := bench.WriteShard(&b, c.header, c.results()); err != nil {
		return err
	}
	err := writeFiles(c.dir, map[string][]byte{c.name(): b.Bytes()})
	c.saved = time.Now()
	c.every = 20 * c.saved.Sub(start)
	return err
}

// discard removes the checkpoint file: the run's results are written.
func (c *checkpoint) discard() {
	if c.dir != "" {
		os.Remove(filepath.Join(c.dir, c.name()))
	}
}

// discardOwn removes the checkpoint file after a failed run (which writes
// nothing), unless an earlier run left it: that one's work is kept.
func (c *checkpoint) discardOwn() {
	if c.dir != "" && !c.inherited {
		os.Remove(filepath.Join(c.dir, c.name()))
	}
}

// resume loads the items of want already complete in c.dir: from shard
// files and checkpoints of the same scenario written by this version and
// build. Files of other sweeps, versions or builds are left alone (only
// their header is read); a damaged file of this sweep is reported and
// skipped, so its items are computed again rather than trusted.
func (c *checkpoint) resume(want []bench.Item, stderr io.Writer) error {
	c.done = map[int]bench.ItemResult{}
	c.saved = time.Now()
	names, err := filepath.Glob(filepath.Join(c.dir, "shard-*-of-*.jsonl"))
	if err != nil {
		return err
	}
	need := map[int]bool{}
	for _, it := range want {
		need[it.Index] = true
	}
	reader := bench.NewShardReader()
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return err
		}
		h, err := bench.ReadShardHeader(n, data)
		if err != nil || h.Version != c.header.Version || h.Build != c.header.Build || h.ScenarioSHA256 != c.header.ScenarioSHA256 {
			continue // another sweep's, or another luosim's
		}
		if !overlap(h.Shard, h.Shards, c.header.Shard, c.header.Shards) {
			continue // none of its items are this run's
		}
		s, err := reader.Read(n, data)
		if err != nil {
			fmt.Fprintf(stderr, "luosim: -resume: skipping %v\n", err)
			continue
		}
		for _, r := range s.Results {
			if need[r.Index] {
				c.done[r.Index] = r
			}
		}
	}
	return nil
}

// overlap reports whether shards i of n and j of m can share an item:
// some index ≡ i (mod n) and ≡ j (mod m) exists iff i ≡ j modulo
// gcd(n, m).
func overlap(i, n, j, m int) bool {
	g := n
	for b := m; b != 0; {
		g, b = b, g%b
	}
	return (i-j)%g == 0
}
