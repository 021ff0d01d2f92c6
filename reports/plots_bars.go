package reports

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/luosim/luosim/bench"
)

// layer is one component of a stacked bar.
type layer struct {
	name  string
	color color.Color
	value func(r *bench.PointResult) float64
}

// breakdownLayers split an op's mean latency (bench.Breakdown).
func breakdownLayers(op string) []layer {
	get := func(f func(b bench.Breakdown) float64) func(r *bench.PointResult) float64 {
		return func(r *bench.PointResult) float64 { return f(r.Ops[op].Breakdown) }
	}
	return []layer{
		{"handler callbacks", color.RGBA{0x56, 0xb4, 0xe9, 0xff}, get(func(b bench.Breakdown) float64 { return b.Callback })},
		{"lock wait (queue, spin, wake-up)", color.RGBA{0xd5, 0x5e, 0x00, 0xff}, get(func(b bench.Breakdown) float64 { return b.LockWait })},
		{"lock overhead (fast-path atomics)", color.RGBA{0xe6, 0x9f, 0x00, 0xff}, get(func(b bench.Breakdown) float64 { return b.LockOverhead })},
		{"cache-line transfers", color.RGBA{0xcc, 0x79, 0xa7, 0xff}, get(func(b bench.Breakdown) float64 { return b.Transfers })},
		{"waiting for a CPU", color.RGBA{0xf0, 0xe4, 0x42, 0xff}, get(func(b bench.Breakdown) float64 { return b.CPUWait })},
		{"syscall, walks, allocation", color.RGBA{0x99, 0x99, 0x99, 0xff}, get(func(b bench.Breakdown) float64 { return b.Work })},
	}
}

// phaseLayers are the lifecycle phases, in order.
var phaseLayers = []layer{
	{"preserve phase", nil, func(r *bench.PointResult) float64 { return r.Phases["preserve_ns"] }},
	{"blackout", nil, func(r *bench.PointResult) float64 { return r.Phases["blackout_ns"] }},
	{"restore", nil, func(r *bench.PointResult) float64 { return r.Phases["restore_ns"] }},
}

// barHeight is the thickness of one bar.
const barHeight = 14

// stackedFigure draws one horizontal stacked bar per design of rs (the
// designs' results, nil where a design has none), in nanoseconds.
func (g *grid) stackedFigure(name, title, what, xWhat string, designs []string, rs []*bench.PointResult, layers []layer) (*figure, error) {
	n := len(designs)
	total := 0.0
	for _, r := range rs {
		sum := 0.0
		for _, l := range layers {
			sum += l.value(r)
		}
		total = max(total, sum)
	}
	u := linearDurAxis(total)
	p := g.newPlot(what, fmt.Sprintf("%s (%s)", xWhat, u.name), "")
	leg := newLegend()
	var below *plotter.BarChart
	for _, l := range layers {
		vs := make(plotter.Values, n)
		for i, r := range rs {
			vs[n-1-i] = l.value(r) / u.div // the first design on top
		}
		bc, err := plotter.NewBarChart(vs, vg.Points(barHeight))
		if err != nil {
			return nil, fmt.Errorf("reports: %s: %v", title, err)
		}
		bc.Horizontal = true
		bc.Color = l.color
		bc.LineStyle.Width = vg.Points(0.5)
		if below != nil {
			bc.StackOn(below)
		}
		below = bc
		p.Add(bc)
		leg.Add(l.name, bc)
	}
	g.nominalDesigns(p, designs)
	p.X.Min, p.X.Max = 0, max(total/u.div*1.04, 1e-9)
	p.X.Tick.Marker = siTicks{}
	return &figure{name: name, title: title, plot: p, legend: leg, w: figWidth, h: barFigHeight(n, 1)}, nil
}

// nominalDesigns labels the Y axis with the designs, the first on top.
func (g *grid) nominalDesigns(p *plot.Plot, designs []string) {
	names := slices.Clone(designs)
	slices.Reverse(names)
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.6, float64(len(names))-0.4
}

// barFigHeight fits n groups of k bars.
func barFigHeight(n, k int) vg.Length {
	h := vg.Length(n)*(vg.Points(barHeight)*vg.Length(k)+vg.Points(12)) + 3.5*vg.Centimeter
	return max(h, 7*vg.Centimeter)
}

// breakdownFigure shows where op's mean latency goes, per design, at the
// focus cell.
func (g *grid) breakdownFigure(op string) (*figure, *skipped, error) {
	title := "Where the time goes: " + op
	designs, rs := g.focusWith(func(r *bench.PointResult) bool { o, ok := r.Ops[op]; return ok && o.Count > 0 })
	if len(designs) == 0 {
		return nil, &skipped{title, "no design has " + op + " samples at " + g.focusText("") + "."}, nil
	}
	f, err := g.stackedFigure("breakdown-"+fileStem(op), title, op+": where the time goes", "mean "+op+" latency", designs, rs, breakdownLayers(op))
	if err != nil {
		return nil, nil, err
	}
	f.caption = fmt.Sprintf("%s: the mean %s latency split by where the time goes, one stacked bar per design: %s. "+
		"Lock wait is queueing for locks (spinning and wake-up included); lock overhead is the primitives' own atomics with the line cached; "+
		"cache-line transfers fetch lines another CPU wrote last. At %s, over %s. All values simulated.",
		g.name, op, strings.Join(designs, ", "), g.focusText(""), plural(g.reps, "replication"))
	return f, nil, nil
}

// phasesFigure shows the lifecycle phases per design at the focus cell:
// one panel per phase, each on its own scale, so that a short phase is not
// lost beside the blackout.
func (g *grid) phasesFigure() (*figure, *skipped, error) {
	title := "Lifecycle phases"
	designs, rs := g.focusWith(func(r *bench.PointResult) bool {
		return r.Phases["preserve_ns"]+r.Phases["blackout_ns"]+r.Phases["restore_ns"] > 0
	})
	if len(designs) == 0 {
		return nil, &skipped{title, "the results have no lifecycle phases (a steady workload runs no live update)."}, nil
	}
	n := len(designs)
	var panels []*plot.Plot
	for k, l := range phaseLayers {
		top := 0.0
		for _, r := range rs {
			top = max(top, l.value(r))
		}
		u := linearDurAxis(top)
		p := g.newPlot("", fmt.Sprintf("%s (%s)", l.name, u.name), "")
		p.Title.Text = l.name
		p.Title.TextStyle.Font.Size = 10
		for i, r := range rs {
			vs := make(plotter.Values, n)
			vs[n-1-i] = l.value(r) / u.div
			bc, err := plotter.NewBarChart(vs, vg.Points(barHeight))
			if err != nil {
				return nil, nil, fmt.Errorf("reports: %s: %v", title, err)
			}
			bc.Horizontal = true
			bc.Color = designColor(slices.Index(g.designs, designs[i]))
			bc.LineStyle.Width = vg.Points(0.5)
			p.Add(bc)
		}
		g.nominalDesigns(p, designs)
		if k > 0 {
			p.NominalY(make([]string, n)...)
			p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
		}
		p.X.Min, p.X.Max = 0, max(top/u.div*1.08, 1e-9)
		p.X.Tick.Marker = siTicks{}
		panels = append(panels, p)
	}
	f := &figure{name: "phases", title: title, panels: panels, heading: g.plotTitle("live-update phases"),
		w: figWidth, h: barFigHeight(n, 1)}
	f.caption = fmt.Sprintf("%s: the live update's phases per design, one panel per phase, each on its own scale: %s. "+
		"The preserve phase runs every session's preserves; the blackout is the single-threaded reboot (freeze and serialize); "+
		"restore runs deserialize, the retrieves and finish. Means over %s at %s. All values simulated.",
		g.name, strings.Join(designs, ", "), plural(g.reps, "replication"), g.focusText(""))
	return f, nil, nil
}

// focusWith returns the designs whose focus-cell result passes keep, and
// those results.
func (g *grid) focusWith(keep func(r *bench.PointResult) bool) ([]string, []*bench.PointResult) {
	var designs []string
	var rs []*bench.PointResult
	for _, d := range g.designs {
		if r := g.atFocus(d); r != nil && keep(r) {
			designs = append(designs, d)
			rs = append(rs, r)
		}
	}
	return designs, rs
}

// groupedFigure draws, for each category (top to bottom), one horizontal
// bar per series.
func (g *grid) groupedFigure(name, title, what, xLabel string, categories, series []string, colors []color.Color, value func(cat, ser int) float64, ticks plot.Ticker) (*figure, error) {
	nc, ns := len(categories), len(series)
	bw := vg.Points(barHeight)
	if ns > 3 {
		bw = vg.Points(8)
	}
	p := g.newPlot(what, xLabel, "")
	leg := newLegend()
	top := 0.0
	for s := range series {
		vs := make(plotter.Values, nc)
		for c := range categories {
			vs[nc-1-c] = value(c, s)
			top = max(top, vs[nc-1-c])
		}
		bc, err := plotter.NewBarChart(vs, bw)
		if err != nil {
			return nil, fmt.Errorf("reports: %s: %v", title, err)
		}
		bc.Horizontal = true
		bc.Color = colors[s]
		bc.LineStyle.Width = vg.Points(0.5)
		bc.Offset = (vg.Length(ns-1)/2 - vg.Length(s)) * bw
		p.Add(bc)
		leg.Add(series[s], bc)
	}
	names := slices.Clone(categories)
	slices.Reverse(names)
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.6, float64(nc)-0.4
	p.X.Min, p.X.Max = 0, max(top*1.04, 1)
	p.X.Tick.Marker = ticks
	h := vg.Length(nc)*(bw*vg.Length(ns)+vg.Points(14)) + 3.5*vg.Centimeter
	return &figure{name: name, title: title, plot: p, legend: leg, w: figWidth, h: max(h, 7*vg.Centimeter)}, nil
}

// safetyFigure shows the module unload attempts each design blocked, and
// those that succeeded while LUO still needed the module, summed over the
// whole sweep.
func (g *grid) safetyFigure() (*figure, *skipped, error) {
	title := "Safety: module unloads"
	vs := g.verdicts()
	counted := false
	for _, v := range vs {
		counted = counted || v.blocked > 0 || v.hazards > 0
	}
	if !counted {
		return nil, &skipped{title, "no design blocked a module unload or let one through while LUO needed it " +
			"(the scenario may inject no unloads: faults.rmmod)."}, nil
	}
	f, err := g.groupedFigure("safety", title, "module unload attempts", "rmmod attempts (count)",
		g.designs, []string{"blocked (refcount held)", "hazard (unloaded while needed)"},
		[]color.Color{color.RGBA{0x99, 0x99, 0x99, 0xff}, color.RGBA{0xd5, 0x5e, 0x00, 0xff}},
		func(c, s int) float64 {
			if s == 0 {
				return float64(vs[c].blocked)
			}
			return float64(vs[c].hazards)
		}, siTicks{})
	if err != nil {
		return nil, nil, err
	}
	var unsafe []string
	for _, v := range vs {
		if v.unsafe() {
			unsafe = append(unsafe, v.design)
		}
	}
	verdict := "No design is unsafe."
	if len(unsafe) > 0 {
		verdict = "UNSAFE: " + strings.Join(unsafe, ", ") + "."
	}
	f.caption = fmt.Sprintf("%s: module unload (rmmod) attempts per design, summed over every point and replication: "+
		"blocked ones cost availability; hazards are unloads that succeeded while LUO still needed the module. Designs: %s. %s All values simulated.",
		g.name, strings.Join(g.designs, ", "), verdict)
	return f, nil, nil
}

// The contention plot shows at most maxLockClasses lock classes, those
// whose worst wait is at least minLockShare of the worst of all.
const (
	maxLockClasses = 10
	minLockShare   = 0.01
)

// contentionFigure shows the mean wait per acquisition of each lock
// class, per design, at the focus cell: which lock hurts.
func (g *grid) contentionFigure() (*figure, *skipped, error) {
	title := "Contention: wait per lock"
	designs, rs := g.focusWith(func(r *bench.PointResult) bool { return len(r.Locks) > 0 })
	worst := map[string]float64{}
	for _, r := range rs {
		for name, l := range r.Locks {
			worst[name] = max(worst[name], l.WaitNsMean)
		}
	}
	var classes []string
	for _, name := range sortedKeys(worst) {
		if worst[name] > 0 {
			classes = append(classes, name)
		}
	}
	if len(classes) == 0 {
		return nil, &skipped{title, "no lock was waited for at " + g.focusText("") + "."}, nil
	}
	slices.SortStableFunc(classes, func(a, b string) int {
		switch {
		case worst[a] > worst[b]:
			return -1
		case worst[a] < worst[b]:
			return 1
		}
		return 0
	})
	top := worst[classes[0]]
	keep := 0
	for keep < len(classes) && keep < maxLockClasses && worst[classes[keep]] >= top*minLockShare {
		keep++
	}
	hidden := len(classes) - keep
	classes = classes[:keep]
	u := linearDurAxis(top)
	colors := make([]color.Color, len(designs))
	for i, d := range designs {
		colors[i] = designColor(slices.Index(g.designs, d))
	}
	f, err := g.groupedFigure("contention", title, "mean wait per lock acquisition", "mean wait per acquisition ("+u.name+")",
		classes, designs, colors, func(c, s int) float64 { return rs[s].Locks[classes[c]].WaitNsMean / u.div }, siTicks{})
	if err != nil {
		return nil, nil, err
	}
	more := ""
	if hidden > 0 {
		more = fmt.Sprintf(" %s with less waiting (under %g%% of the worst, or past the first %d) not shown.",
			plural(hidden, "lock class"), minLockShare*100, maxLockClasses)
	}
	f.caption = fmt.Sprintf("%s: mean wait per acquisition of each lock class (all instances together), one bar per design: %s; "+
		"classes by their worst wait, highest first.%s The locks table gives acquisitions and contended shares. At %s, over %s. All values simulated.",
		g.name, strings.Join(designs, ", "), more, g.focusText(""), plural(g.reps, "replication"))
	return f, nil, nil
}
