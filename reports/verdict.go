package reports

import (
	"fmt"
	"strings"
)

// verdict is the summary of one design at the focus cell, ranked by the
// p99 latency of the grid's primary op.
type verdict struct {
	design  string
	p99     float64 // 0: no samples of the primary op at the focus cell
	p99CI   *[2]float64
	hazards int    // unload hazards, summed over every point and replication
	blocked int    // blocked unloads, likewise
	perf    string // the p99 against the fastest design's, in words
	rel     string // the same in a few characters: "fastest", "+12%", "16.5x", "+0.1% tie"
	best    bool
}

// unsafe reports whether a module unload succeeded while LUO still
// needed the module, at any point of the sweep.
func (v verdict) unsafe() bool { return v.hazards > 0 }

// safety is the design's safety verdict: "UNSAFE: 17 unload hazards" or
// "safe".
func (v verdict) safety() string {
	if v.unsafe() {
		return "UNSAFE: " + plural(v.hazards, "unload hazard")
	}
	return "safe"
}

// verdicts ranks every design at the focus cell by its p99 latency of the
// primary op. Two designs whose 95% intervals of the p99 overlap are
// called tied.
func (g *grid) verdicts() []verdict {
	op := g.primaryOp()
	vs := make([]verdict, len(g.designs))
	bestIdx := -1
	for i, d := range g.designs {
		v := verdict{design: d}
		if r := g.atFocus(d); r != nil {
			if o, ok := r.Ops[op]; ok && o.Count > 0 {
				v.p99, v.p99CI = o.Latency.P99, o.Latency.P99CI95
			}
		}
		for j := range g.doc.Results {
			if r := &g.doc.Results[j]; r.Design == d {
				v.hazards += r.Hazards["unload_hazards"]
				v.blocked += r.Hazards["unload_blocked"]
			}
		}
		if v.p99 > 0 && (bestIdx < 0 || v.p99 < vs[bestIdx].p99) {
			bestIdx = i
		}
		vs[i] = v
	}
	for i := range vs {
		v := &vs[i]
		switch {
		case v.p99 == 0:
			v.perf, v.rel = "no "+op+" samples", "-"
		case i == bestIdx:
			v.best = true
			v.perf, v.rel = "fastest p99 "+op, "fastest"
		default:
			b := vs[bestIdx]
			ratio := v.p99 / b.p99
			v.rel = fmt.Sprintf("+%.1f%%", (ratio-1)*100)
			if ratio >= 2 {
				v.rel = fmt.Sprintf("%.1fx", ratio)
			}
			switch {
			case overlap(v.p99CI, b.p99CI):
				v.perf = "tied with the fastest: p99 " + v.rel + ", 95% CIs overlap"
				v.rel += " tie"
			case ratio >= 2:
				v.perf = "p99 " + op + " " + v.rel + " the fastest"
			default:
				v.perf = "p99 " + op + " " + v.rel + " over the fastest"
			}
		}
	}
	return vs
}

// overlap reports whether two intervals share a point; false when either
// is missing.
func overlap(a, b *[2]float64) bool {
	return a != nil && b != nil && a[0] <= b[1] && b[0] <= a[1]
}

// headline is the summary in one sentence: the fastest safe design and
// the unsafe ones.
func (g *grid) headline(vs []verdict) string {
	op := g.primaryOp()
	var bestSafe *verdict
	var unsafe []string
	for i := range vs {
		v := &vs[i]
		if v.unsafe() {
			unsafe = append(unsafe, v.design)
			continue
		}
		if v.p99 > 0 && (bestSafe == nil || v.p99 < bestSafe.p99) {
			bestSafe = v
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "At %s, ", g.focusText(""))
	if bestSafe == nil {
		fmt.Fprintf(&b, "no safe design has %s samples", op)
	} else {
		fmt.Fprintf(&b, "the safe design with the lowest p99 %s latency is %s (%s)", op, bestSafe.design, fmtDur(bestSafe.p99))
	}
	switch len(unsafe) {
	case 0:
		b.WriteString("; no design let a module unload while LUO needed it.")
	case 1:
		fmt.Fprintf(&b, "; %s is UNSAFE: it let a module unload while LUO needed it.", unsafe[0])
	default:
		fmt.Fprintf(&b, "; %s are UNSAFE: they let a module unload while LUO needed it.", strings.Join(unsafe, ", "))
	}
	return b.String()
}
