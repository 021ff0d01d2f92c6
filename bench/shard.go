package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/workload"
)

// ShardFormat names the shard file format in every shard file's header.
const ShardFormat = "luosim-shard/1"

// ShardHeader is the first line of a shard file (JSON Lines): what the
// items that follow belong to. A shard file holds a header, one line per
// item result in index order, and a trailer line counting them, so a
// truncated file is always detected.
type ShardHeader struct {
	Format         string          `json:"format"`
	Version        string          `json:"luosim_version"`
	ScenarioSHA256 string          `json:"scenario_sha256"`
	Scenario       json.RawMessage `json:"scenario"`
	Shard          int             `json:"shard"`
	Shards         int             `json:"shards"`
	Items          int             `json:"items_total"` // items in the whole sweep
	// Build identifies the code that computed the items beyond its
	// version: a clean build's VCS revision, else a hash of the
	// executable, so development builds of one version do not mix.
	Build string `json:"build"`
	// Partial marks a checkpoint: the items of the shard completed so
	// far, written while it runs and when it is interrupted.
	Partial bool `json:"partial,omitempty"`
}

type shardTrailer struct {
	End int `json:"end_items"`
}

// ShardName is the file name of shard i of n: shard-IIII-of-NNNN.jsonl,
// or shard-IIII-of-NNNN.partial.jsonl for a checkpoint.
func ShardName(i, n int, partial bool) string {
	if partial {
		return fmt.Sprintf("shard-%04d-of-%04d.partial.jsonl", i, n)
	}
	return fmt.Sprintf("shard-%04d-of-%04d.jsonl", i, n)
}

// ShardItems returns the items of sc that shard i of n runs: those whose
// index mod n is i.
func ShardItems(sc *workload.Scenario, i, n int) []Item {
	var out []Item
	for _, it := range Plan(sc) {
		if it.Index%n == i {
			out = append(out, it)
		}
	}
	return out
}

// WriteShard writes a shard file holding results (any order; they are
// written sorted by index).
func WriteShard(w io.Writer, h ShardHeader, results []ItemResult) error {
	rs := append([]ItemResult(nil), results...)
	sort.Slice(rs, func(a, b int) bool { return rs[a].Index < rs[b].Index })
	h.Format = ShardFormat
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(h); err != nil {
		return err
	}
	for i := range rs {
		if err := enc.Encode(&rs[i]); err != nil {
			return err
		}
	}
	if err := enc.Encode(shardTrailer{End: len(rs)}); err != nil {
		return err
	}
	return bw.Flush()
}

// Shard is a shard file read back.
type Shard struct {
	Name     string
	Header   ShardHeader
	Results  []ItemResult
	Lines    [][]byte // each result's encoded line, for comparing duplicates
	scenario *workload.Scenario
}

// Scenario returns the shard's scenario, parsed from its header.
func (s *Shard) Scenario() *workload.Scenario { return s.scenario }

// ShardReader reads shard files, parsing each scenario and building its
// plan once however many shards of it are read.
type ShardReader struct {
	sweeps map[string]*sweepPlan // by scenario SHA-256
}

type sweepPlan struct {
	sc   *workload.Scenario
	plan []Item
}

// NewShardReader returns a reader with an empty cache.
func NewShardReader() *ShardReader { return &ShardReader{sweeps: map[string]*sweepPlan{}} }

// ReadShard parses one shard file (see ShardReader.Read).
func ReadShard(name string, data []byte) (*Shard, error) { return NewShardReader().Read(name, data) }

// ReadShardHeader parses only the header line of a shard file: enough to
// tell whose sweep it holds without reading its items.
func ReadShardHeader(name string, data []byte) (ShardHeader, error) {
	first, _, _ := bytes.Cut(data, []byte{'\n'})
	var h ShardHeader
	if len(bytes.TrimSpace(data)) == 0 {
		return h, fmt.Errorf("%s: empty file, not a luosim shard", name)
	}
	if err := strictJSON(first, &h); err != nil || h.Format != ShardFormat {
		return h, fmt.Errorf("%s:1: not a luosim shard file (want a %s header line)", name, ShardFormat)
	}
	if h.Version == "" || h.ScenarioSHA256 == "" || h.Shards < 1 || h.Shard < 0 || h.Shard >= h.Shards || h.Items < 1 {
		return h, fmt.Errorf("%s:1: bad shard header: version, scenario_sha256, shard %d of %d or items_total %d", name, h.Shard, h.Shards, h.Items)
	}
	return h, nil
}

// Read parses a shard file; name is used in errors. It refuses, with an
// error naming the file and line, a file that is empty, truncated or
// corrupted, not a shard file, or whose items do not belong to its
// scenario and shard or could not come from a run. It does not check the
// luosim version or build: callers decide what a mismatch means.
func (sr *ShardReader) Read(name string, data []byte) (*Shard, error) {
	h, err := ReadShardHeader(name, data)
	if err != nil {
		return nil, err
	}
	s := &Shard{Name: name, Header: h}
	lines := bytes.SplitAfter(data, []byte{'\n'})
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	errf := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	sp := sr.sweeps[h.ScenarioSHA256]
	if sp == nil {
		sc, err := workload.Parse(name+": scenario", h.Scenario)
		if err != nil {
			return nil, errf(1, "its scenario does not parse: %v", err)
		}
		if got := sc.SHA256(); got != h.ScenarioSHA256 {
			return nil, errf(1, "scenario_sha256 %s does not match its scenario (%s): the file was edited or corrupted", h.ScenarioSHA256, got)
		}
		sp = &sweepPlan{sc: sc, plan: Plan(sc)}
		sr.sweeps[h.ScenarioSHA256] = sp
	} else if !bytes.Equal(h.Scenario, sp.sc.CanonicalJSON()) {
		return nil, errf(1, "its scenario does not match its scenario_sha256: the file was edited or corrupted")
	}
	plan := sp.plan
	if len(plan) != h.Items {
		return nil, errf(1, "items_total %d, but its scenario has %d items", h.Items, len(plan))
	}
	s.scenario = sp.sc
	last := len(lines) - 1
	var tr shardTrailer
	if last == 0 || !bytes.HasSuffix(lines[last], []byte{'\n'}) || strictJSON(lines[last], &tr) != nil {
		return nil, errf(last+1, "truncated: the file does not end with its end_items line")
	}
	if tr.End != last-1 {
		return nil, errf(last+1, "end_items says %d items, the file holds %d", tr.End, last-1)
	}
	prev := -1
	for i, line := range lines[1:last] {
		var r ItemResult
		if err := strictJSON(line, &r); err != nil {
			return nil, errf(i+2, "bad item result: %v", err)
		}
		if r.Index <= prev || r.Index >= len(plan) {
			return nil, errf(i+2, "item %d out of order or not in the plan of %d items", r.Index, len(plan))
		}
		prev = r.Index
		it := plan[r.Index]
		if r.Design != it.Design || r.Point != it.Point || r.Replication != it.Replication {
			return nil, errf(i+2, "item %d is (%s, %s, replication %d), the plan says (%s, %s, replication %d)",
				r.Index, r.Design, r.Point, r.Replication, it.Design, it.Point, it.Replication)
		}
		if r.Index%h.Shards != h.Shard {
			return nil, errf(i+2, "item %d does not belong to shard %d of %d", r.Index, h.Shard, h.Shards)
		}
		if err := checkItem(&r, it.pt.CPUs); err != nil {
			return nil, errf(i+2, "item %d: %v", r.Index, err)
		}
		s.Results = append(s.Results, r)
		s.Lines = append(s.Lines, line)
	}
	if want := (len(plan) - h.Shard + h.Shards - 1) / h.Shards; !h.Partial && len(s.Results) != want {
		return nil, errf(1, "a complete shard %d of %d holds %d items, want %d", h.Shard, h.Shards, len(s.Results), want)
	}
	return s, nil
}

// checkItem refuses item results no run could have produced: the
// combined document would otherwise carry impossible numbers, or fail to
// encode at all.
func checkItem(r *ItemResult, cpus int) error {
	if r.ElapsedNs < 0 || r.Blocked < 0 || r.Hazards < 0 || r.Phases.Preserve < 0 || r.Phases.Blackout < 0 || r.Phases.Restore < 0 {
		return fmt.Errorf("negative time or count")
	}
	if len(r.PerCPU) > cpus {
		return fmt.Errorf("per_cpu_ops for %d CPUs, the point has %d", len(r.PerCPU), cpus)
	}
	last := -1
	for i := range r.Ops {
		o := &r.Ops[i]
		op, ok := lockmodels.ParseOp(o.Op)
		if !ok {
			return fmt.Errorf("unknown op %q", o.Op)
		}
		if int(op) <= last {
			return fmt.Errorf("op %s out of order or repeated", o.Op)
		}
		last = int(op)
		n := o.Latency.Count()
		if n == 0 || o.Wait.Count() != n || o.WindowNs < 0 || o.Failed > n {
			return fmt.Errorf("op %s: inconsistent counts", o.Op)
		}
		if o.Callback < 0 || o.Transfer < 0 || o.LockCost < 0 || o.CPUWait < 0 {
			return fmt.Errorf("op %s: negative time", o.Op)
		}
		if m := o.MSER5Ops; m != nil && !(*m >= 0 && *m <= float64(n)) {
			return fmt.Errorf("op %s: mser5_truncate_ops %g outside 0..%d", o.Op, *m, n)
		}
		if b := o.BatchCI; b != nil && (!finite(b.Interval[0]) || !finite(b.Interval[1]) || !finite(b.Lag1) || b.Batches < 0 || b.Truncated < 0) {
			return fmt.Errorf("op %s: bad batch-means interval", o.Op)
		}
	}
	names := map[string]bool{}
	for _, l := range r.Locks {
		st := l.Stats
		if l.Name == "" || names[l.Name] || l.Instances < 0 {
			return fmt.Errorf("lock %q unnamed, repeated or with negative instances", l.Name)
		}
		names[l.Name] = true
		if st.Contended > st.Acquisitions || st.WaitTotal < 0 || st.HoldTotal < 0 || st.MaxQueue < 0 ||
			st.HandoffSpinner+st.HandoffSleeper > st.Contended+st.Stolen {
			return fmt.Errorf("lock %s: inconsistent statistics", l.Name)
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// strictJSON decodes one JSON value from line, refusing unknown fields and
// trailing data.
func strictJSON(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}
