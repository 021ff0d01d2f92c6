package bench

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/luosim/luosim/workload"
)

// MergeError is a shard set that cannot be merged as it is: items missing,
// or shards that disagree. Rerun lists the shard indexes (of Shards) to
// run again; Problems says why, one line each.
type MergeError struct {
	Rerun    []int
	Shards   int
	Problems []string
}

func (e *MergeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "merge: the shards are incomplete or inconsistent; nothing written")
	if len(e.Rerun) > 0 {
		idx := make([]string, len(e.Rerun))
		for i, r := range e.Rerun {
			idx[i] = fmt.Sprint(r)
		}
		fmt.Fprintf(&b, "\nrerun shards %s of %d (luosim run -shard I/%d)", strings.Join(idx, ","), e.Shards, e.Shards)
	}
	for _, p := range e.Problems {
		b.WriteString("\n  " + p)
	}
	return b.String()
}

// Merge checks that shards (read with ReadShard) hold every item of one
// sweep exactly once, written by luosim version and build, and returns the sweep's
// scenario and item results in plan order. Duplicates (a retried shard)
// must be byte-equal. A shard set that is incomplete or disagrees is a
// *MergeError naming the shards to rerun; shards all from another luosim
// version are a plain error.
func Merge(shards []*Shard, version, build string) (*workload.Scenario, []ItemResult, error) {
	if len(shards) == 0 {
		return nil, nil, fmt.Errorf("merge: no shard files")
	}
	shards = append([]*Shard(nil), shards...)
	sort.Slice(shards, func(a, b int) bool { return shards[a].Name < shards[b].Name })
	// The reference: the scenario held by most shards of this version.
	votes := map[string]int{}
	for _, s := range shards {
		if s.Header.Version == version {
			votes[s.Header.ScenarioSHA256]++
		}
	}
	if len(votes) == 0 {
		return nil, nil, fmt.Errorf("%s: written by luosim %s, this is luosim %s: merge with the version that ran the shards",
			shards[0].Name, shards[0].Header.Version, version)
	}
	var ref *Shard
	for _, s := range shards {
		if s.Header.Version == version && (ref == nil || votes[s.Header.ScenarioSHA256] > votes[ref.Header.ScenarioSHA256]) {
			ref = s
		}
	}
	sc := ref.scenario
	n := ref.Header.Shards
	me := &MergeError{Shards: n}
	rerun := map[int]bool{}
	plan := Plan(sc)
	have := make([]*ItemResult, len(plan))
	line := make([][]byte, len(plan))
	from := make([]*Shard, len(plan))
	for _, s := range shards {
		h := s.Header
		switch {
		case h.Version != version:
			me.Problems = append(me.Problems, fmt.Sprintf("%s: written by luosim %s, this is %s", s.Name, h.Version, version))
		case h.Build != build:
			me.Problems = append(me.Problems, fmt.Sprintf("%s: written by another build of luosim %s (%s, this is %s)", s.Name, version, h.Build, build))
		case h.ScenarioSHA256 != ref.Header.ScenarioSHA256:
			me.Problems = append(me.Problems, fmt.Sprintf("%s: scenario %.12s differs from the other shards' %.12s", s.Name, h.ScenarioSHA256, ref.Header.ScenarioSHA256))
		default:
			for i := range s.Results {
				r := &s.Results[i]
				if have[r.Index] == nil {
					have[r.Index], line[r.Index], from[r.Index] = r, s.Lines[i], s
					continue
				}
				if !bytes.Equal(line[r.Index], s.Lines[i]) {
					me.Problems = append(me.Problems, fmt.Sprintf("item %d differs between %s and %s", r.Index, from[r.Index].Name, s.Name))
					rerun[r.Index%n] = true
				}
			}
			continue
		}
		if h.Shards == n {
			rerun[h.Shard] = true
		}
	}
	missing := map[int][]int{}
	for i, r := range have {
		if r == nil {
			missing[i%n] = append(missing[i%n], i)
		}
	}
	for _, sh := range slices.Sorted(maps.Keys(missing)) {
		rerun[sh] = true
		items := missing[sh]
		list := fmt.Sprint(items[:min(len(items), 8)])
		if len(items) > 8 {
			list = strings.TrimSuffix(list, "]") + " ...]"
		}
		noun := "items"
		if len(items) == 1 {
			noun = "item"
		}
		me.Problems = append(me.Problems, fmt.Sprintf("shard %d/%d: %d %s missing %s", sh, n, len(items), noun, list))
	}
	if len(me.Problems) > 0 {
		me.Rerun = slices.Sorted(maps.Keys(rerun))
		return nil, nil, me
	}
	results := make([]ItemResult, len(plan))
	for i, r := range have {
		results[i] = *r
	}
	return sc, results, nil
}
