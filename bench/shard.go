package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"

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

// maxLine bounds one line of a shard file (an item result).
const maxLine = 256 << 20

// ReadShard parses a shard file; name is used in errors. It refuses, with
// an error naming the file and line, a file that is empty, truncated or
// corrupted, not a shard file, or whose items do not belong to its
// scenario and shard. It does not check the luosim version: callers
// decide what a mismatch means.
func ReadShard(name string, data []byte) (*Shard, error) {
	s := &Shard{Name: name}
	lines := bytes.SplitAfter(data, []byte{'\n'})
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("%s: empty file, not a luosim shard", name)
	}
	errf := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	if err := strictJSON(lines[0], &s.Header); err != nil || s.Header.Format != ShardFormat {
		return nil, errf(1, "not a luosim shard file (want a %s header line)", ShardFormat)
	}
	h := &s.Header
	if h.Version == "" || h.ScenarioSHA256 == "" || h.Shards < 1 || h.Shard < 0 || h.Shard >= h.Shards || h.Items < 1 {
		return nil, errf(1, "bad shard header: version, scenario_sha256, shard %d of %d or items_total %d", h.Shard, h.Shards, h.Items)
	}
	sc, err := workload.Parse(name+": scenario", h.Scenario)
	if err != nil {
		return nil, errf(1, "its scenario does not parse: %v", err)
	}
	if got := sc.SHA256(); got != h.ScenarioSHA256 {
		return nil, errf(1, "scenario_sha256 %s does not match its scenario (%s): the file was edited or corrupted", h.ScenarioSHA256, got)
	}
	plan := Plan(sc)
	if len(plan) != h.Items {
		return nil, errf(1, "items_total %d, but its scenario has %d items", h.Items, len(plan))
	}
	s.scenario = sc
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
		if err := checkItem(&r); err != nil {
			return nil, errf(i+2, "item %d: %v", r.Index, err)
		}
		s.Results = append(s.Results, r)
		s.Lines = append(s.Lines, line)
	}
	if !h.Partial && len(s.Results) != len(ShardItems(sc, h.Shard, h.Shards)) {
		return nil, errf(1, "a complete shard %d of %d holds %d items, want %d", h.Shard, h.Shards, len(s.Results), len(ShardItems(sc, h.Shard, h.Shards)))
	}
	return s, nil
}

// checkItem refuses item results no run could have produced.
func checkItem(r *ItemResult) error {
	if r.ElapsedNs < 0 || r.Blocked < 0 || r.Hazards < 0 || r.Phases.Preserve < 0 || r.Phases.Blackout < 0 || r.Phases.Restore < 0 {
		return fmt.Errorf("negative time or count")
	}
	for _, o := range r.Ops {
		if o.Latency.Count() == 0 || o.Wait.Count() != o.Latency.Count() || o.WindowNs < 0 || o.Failed > o.Latency.Count() {
			return fmt.Errorf("op %s: inconsistent counts", o.Op)
		}
		if _, ok := lockmodels.ParseOp(o.Op); !ok {
			return fmt.Errorf("unknown op %q", o.Op)
		}
	}
	for _, l := range r.Locks {
		if l.Name == "" || l.Instances < 0 {
			return fmt.Errorf("lock without a name")
		}
	}
	return nil
}

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

// ShardLabel formats a shard index as i/n.
func ShardLabel(i, n int) string { return strconv.Itoa(i) + "/" + strconv.Itoa(n) }
