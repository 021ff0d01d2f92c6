package reports

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/luosim/luosim/bench"
	"github.com/luosim/luosim/lockmodels"
)

// cpusAxis is the name of the simulated-CPU sweep axis.
const cpusAxis = "cpus"

// grid indexes a result document by design and sweep cell. Plots that
// show one cell use the focus cell: the largest CPU count, every other
// sweep axis at its first value.
type grid struct {
	doc     *bench.Document
	name    string   // the scenario's name
	designs []string // in the document's order
	ops     []string // op kinds with samples, in the order of lockmodels.Op
	axes    []axis   // cpus first, then the other sweep axes by path
	focus   map[string]float64
	reps    int // replications per point (the largest, if they differ)
	// texts holds each sweep value as the scenario writes it ("10us"),
	// by axis and numeric value, from the points' keys.
	texts map[string]map[float64]string
}

// axis is one sweep axis of the grid.
type axis struct {
	name   string
	values []float64 // distinct, ascending
}

// newGrid checks doc and indexes it: every number a report shows must be
// finite, and there must be results.
func newGrid(doc *bench.Document) (*grid, error) {
	if doc == nil {
		return nil, errors.New("reports: no result document")
	}
	if len(doc.Results) == 0 {
		return nil, errors.New("reports: the result document has no results")
	}
	g := &grid{doc: doc, name: doc.ScenarioName(), focus: map[string]float64{}, texts: map[string]map[float64]string{}}
	if g.name == "" {
		g.name = "unnamed scenario"
	}
	opSeen := map[string]bool{}
	axisVals := map[string][]float64{}
	var axisNames []string
	for i := range doc.Results {
		r := &doc.Results[i]
		if err := checkResult(i, r); err != nil {
			return nil, err
		}
		if !slices.Contains(g.designs, r.Design) {
			g.designs = append(g.designs, r.Design)
		}
		for op, o := range r.Ops {
			if o.Count > 0 {
				opSeen[op] = true
			}
		}
		g.reps = max(g.reps, r.Replications)
		for _, part := range strings.Split(r.Point, "/") {
			path, text, ok := strings.Cut(part, "=")
			if v, in := r.Params[path]; ok && in {
				if g.texts[path] == nil {
					g.texts[path] = map[float64]string{}
				}
				g.texts[path][v] = text
			}
		}
		for _, name := range g.axisNamesOf(r) {
			v := g.coord(r, name)
			if _, ok := axisVals[name]; !ok {
				axisNames = append(axisNames, name)
				// Every axis but cpus is held at its first value.
				g.focus[name] = v
			}
			if !slices.Contains(axisVals[name], v) {
				axisVals[name] = append(axisVals[name], v)
			}
		}
	}
	slices.Sort(axisNames[1:]) // cpus stays first
	for _, name := range axisNames {
		vs := axisVals[name]
		slices.Sort(vs)
		g.axes = append(g.axes, axis{name: name, values: vs})
	}
	cpus := axisVals[cpusAxis]
	g.focus[cpusAxis] = cpus[len(cpus)-1]
	g.ops = orderOps(opSeen)
	return g, nil
}

// axisNamesOf lists the sweep axes r has coordinates on: cpus, then its
// params.
func (g *grid) axisNamesOf(r *bench.PointResult) []string {
	names := []string{cpusAxis}
	for k := range r.Params {
		if k != cpusAxis {
			names = append(names, k)
		}
	}
	slices.Sort(names[1:])
	return names
}

// coord is r's value on the named axis.
func (g *grid) coord(r *bench.PointResult, name string) float64 {
	if name == cpusAxis {
		return float64(r.CPUs)
	}
	return r.Params[name]
}

// find returns design's result at cell, nil if there is none. cell gives
// a value for every axis.
func (g *grid) find(design string, cell map[string]float64) *bench.PointResult {
	for i := range g.doc.Results {
		r := &g.doc.Results[i]
		if r.Design != design {
			continue
		}
		match := true
		for _, a := range g.axes {
			if g.coord(r, a.name) != cell[a.name] {
				match = false
				break
			}
		}
		if match {
			return r
		}
	}
	return nil
}

// atFocus returns design's result at the focus cell, nil if none.
func (g *grid) atFocus(design string) *bench.PointResult { return g.find(design, g.focus) }

// along returns design's results along the named axis, the other axes at
// the focus cell, in ascending order of the axis; x holds the axis values.
func (g *grid) along(design, name string) (x []float64, rs []*bench.PointResult) {
	cell := make(map[string]float64, len(g.focus))
	for k, v := range g.focus {
		cell[k] = v
	}
	for _, a := range g.axes {
		if a.name != name {
			continue
		}
		for _, v := range a.values {
			cell[name] = v
			if r := g.find(design, cell); r != nil {
				x = append(x, v)
				rs = append(rs, r)
			}
		}
	}
	return x, rs
}

// axisByName returns the named axis.
func (g *grid) axisByName(name string) axis {
	for _, a := range g.axes {
		if a.name == name {
			return a
		}
	}
	return axis{name: name}
}

// focusText describes the focus cell, leaving out the axis except (""
// leaves out none): "64 simulated CPUs, sessions.count=8".
func (g *grid) focusText(except string) string {
	var parts []string
	for _, a := range g.axes {
		if a.name == except {
			continue
		}
		if a.name == cpusAxis {
			parts = append(parts, fmt.Sprintf("%s simulated CPUs", fmtNum(g.focus[cpusAxis])))
			continue
		}
		parts = append(parts, a.name+"="+g.valueText(a.name, g.focus[a.name]))
	}
	return strings.Join(parts, ", ")
}

// heldText says which values the other axes are held at, for a plot along
// the named axis: "" when no other axis varies.
func (g *grid) heldText(name string) string {
	var parts []string
	for _, a := range g.axes {
		if a.name == name || len(a.values) < 2 {
			continue
		}
		v := g.focus[a.name]
		switch {
		case a.name == cpusAxis:
			parts = append(parts, fmt.Sprintf("at %s simulated CPUs (the largest count)", fmtNum(v)))
		default:
			parts = append(parts, fmt.Sprintf("%s=%s (its first value)", a.name, g.valueText(a.name, v)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Other sweep axes held: " + strings.Join(parts, "; ") + "."
}

// valueText is value v of the named axis as the scenario writes it
// ("10us"; rates without their "/s"), or as a plain number.
func (g *grid) valueText(name string, v float64) string {
	if t, ok := g.texts[name][v]; ok {
		return t
	}
	return fmtNum(v)
}

// hasOp reports whether any result has samples of op.
func (g *grid) hasOp(op string) bool { return slices.Contains(g.ops, op) }

// primaryOp is the op the verdict ranks designs by: preserve, the hot
// path, when the scenario has it.
func (g *grid) primaryOp() string {
	if g.hasOp("preserve") || len(g.ops) == 0 {
		return "preserve"
	}
	return g.ops[0]
}

// orderOps sorts op names in the order of lockmodels.Op, unknown names
// last and alphabetically.
func orderOps(seen map[string]bool) []string {
	var ops []string
	for op := lockmodels.Op(0); op < lockmodels.NumOps; op++ {
		if seen[op.String()] {
			ops = append(ops, op.String())
			delete(seen, op.String())
		}
	}
	var rest []string
	for op := range seen {
		rest = append(rest, op)
	}
	slices.Sort(rest)
	return append(ops, rest...)
}

// checkResult refuses a result whose numbers cannot be plotted: NaN,
// infinities, negative latencies.
func checkResult(i int, r *bench.PointResult) error {
	where := fmt.Sprintf("reports: results[%d] (design %s, %s)", i, r.Design, r.Point)
	if r.Design == "" || r.CPUs < 1 {
		return fmt.Errorf("reports: results[%d]: design or cpus missing", i)
	}
	bad := func(field string, vs ...float64) error {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s: %s is %v", where, field, v)
			}
			if v < 0 {
				return fmt.Errorf("%s: %s is negative (%v)", where, field, v)
			}
		}
		return nil
	}
	ci := func(field string, c *[2]float64) error {
		if c == nil {
			return nil
		}
		// A CI's low end may be negative; it must be finite and ordered.
		if math.IsNaN(c[0]) || math.IsNaN(c[1]) || math.IsInf(c[0], 0) || math.IsInf(c[1], 0) || c[0] > c[1] {
			return fmt.Errorf("%s: %s is [%v, %v]", where, field, c[0], c[1])
		}
		return nil
	}
	for _, op := range sortedKeys(r.Ops) {
		o := r.Ops[op]
		f := "ops." + op + "."
		l, b := o.Latency, o.Breakdown
		if err := errors.Join(
			bad(f+"throughput_per_s", o.ThroughputPerS),
			bad(f+"latency_ns", l.Mean, l.P50, l.P90, l.P99, l.P999, l.P9999, l.Max),
			bad(f+"breakdown_ns_mean", b.Callback, b.LockWait, b.LockOverhead, b.Transfers, b.CPUWait, b.Work),
			ci(f+"latency_ns.mean_ci95", l.MeanCI95), ci(f+"latency_ns.p99_ci95", l.P99CI95),
			ci(f+"throughput_ci95", o.ThroughputCI95)); err != nil {
			return err
		}
		for k, qv := range o.Spectrum {
			if err := bad(f+"latency_spectrum["+strconv.Itoa(k)+"]", qv[0], qv[1]); err != nil {
				return err
			}
			if qv[0] > 1 || k > 0 && (qv[0] < o.Spectrum[k-1][0] || qv[1] < o.Spectrum[k-1][1]) {
				return fmt.Errorf("%s: %slatency_spectrum[%d] is not a quantile function", where, f, k)
			}
		}
	}
	for _, name := range sortedKeys(r.Locks) {
		lr := r.Locks[name]
		if err := bad("locks."+name, lr.WaitNsMean, lr.WaitNsP99, lr.HoldNsMean, lr.Utilization, lr.ContendedShare); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(r.Phases) {
		if err := bad("phases."+k, r.Phases[k]); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(r.Params) {
		v := r.Params[k]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: params.%s is %v", where, k, v)
		}
	}
	for _, k := range sortedKeys(r.Hazards) {
		if r.Hazards[k] < 0 {
			return fmt.Errorf("%s: hazards.%s is negative", where, k)
		}
	}
	return nil
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
