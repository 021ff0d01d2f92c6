package reports

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/luosim/luosim/bench"
)

// metric is a quantity of one op drawn against a sweep axis, with its 95%
// interval over replications.
type metric struct {
	key    string // in the file name
	what   string // in titles and captions
	yLabel string
	log    bool // a log Y axis (latencies)
	value  func(o bench.OpResult) (y float64, ci *[2]float64)
}

var (
	throughputMetric = metric{key: "throughput", what: "throughput", yLabel: "throughput (ops/s)",
		value: func(o bench.OpResult) (float64, *[2]float64) { return o.ThroughputPerS, o.ThroughputCI95 }}
	p99Metric = metric{key: "p99", what: "p99 latency", yLabel: "p99 latency (log scale)", log: true,
		value: func(o bench.OpResult) (float64, *[2]float64) { return o.Latency.P99, o.Latency.P99CI95 }}
)

// scalingFigure draws m of op against the named sweep axis, one line per
// design, with 95% CI bars; the other axes are held at the focus cell.
// The CPU axis, and any positive axis spanning a factor of 4 or more, is
// logarithmic (log2 ticks at the swept values).
func (g *grid) scalingFigure(axisName, op string, m metric) (*figure, *skipped, error) {
	ax := g.axisByName(axisName)
	xLabel := axisName
	if axisName == cpusAxis {
		xLabel = "simulated CPUs"
	}
	xLog := len(ax.values) > 0 && ax.values[0] > 0 && (axisName == cpusAxis || ax.values[len(ax.values)-1]/ax.values[0] >= 4)
	if xLog {
		xLabel += " (log2 scale)"
	}
	title := fmt.Sprintf("Scaling: %s %s against %s", op, m.what, xLabel)
	p := g.newPlot(fmt.Sprintf("%s %s vs %s", op, m.what, strings.TrimSuffix(xLabel, " (log2 scale)")), xLabel, m.yLabel)
	leg := newLegend()
	var drawn []string
	ylo, yhi := math.Inf(1), 0.0
	clamped, noCI := false, false
	// Each design's bars are moved a little sideways, so that equal
	// intervals (common random numbers make them frequent) stay visible.
	lo, hi := ax.values[0], ax.values[len(ax.values)-1]
	var dodge func(x float64) float64
	for i, d := range g.designs {
		shift := float64(i) - float64(len(g.designs)-1)/2
		if xLog {
			f := math.Pow(hi/lo*math.Pow(2, 0.7), 0.012*shift)
			dodge = func(x float64) float64 { return x * f }
		} else {
			step := max(hi-lo, math.Abs(lo), 1) * 0.012 * shift
			dodge = func(x float64) float64 { return x + step }
		}
		xs, rs := g.along(d, axisName)
		var pts plotter.XYs
		var bars errPoints
		for k, r := range rs {
			o, ok := r.Ops[op]
			if !ok || o.Count == 0 {
				continue
			}
			y, ci := m.value(o)
			if m.log && y <= 0 {
				continue
			}
			pts = append(pts, plotter.XY{X: xs[k], Y: y})
			ylo, yhi = min(ylo, y), max(yhi, y)
			if ci == nil {
				noCI = true
				continue
			}
			lo, hi := ci[0], ci[1]
			if m.log && lo < y/10 {
				lo, clamped = y/10, true
			}
			bars = append(bars, errPoint{x: dodge(xs[k]), lo: lo, hi: max(hi, lo)})
			ylo, yhi = min(ylo, lo), max(yhi, hi)
		}
		if len(pts) == 0 {
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, nil, fmt.Errorf("reports: %s, %s: %v", title, d, err)
		}
		l.LineStyle = designLine(i)
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, nil, fmt.Errorf("reports: %s, %s: %v", title, d, err)
		}
		s.GlyphStyle = designGlyph(i)
		p.Add(l, s)
		if len(bars) > 0 {
			eb, err := plotter.NewYErrorBars(bars)
			if err != nil {
				return nil, nil, fmt.Errorf("reports: %s, %s: %v", title, d, err)
			}
			eb.LineStyle = designLine(i)
			eb.LineStyle.Dashes = nil
			eb.LineStyle.Width = vg.Points(1)
			eb.CapWidth = vg.Points(4)
			p.Add(eb)
		}
		leg.Add(d, l, s)
		drawn = append(drawn, d)
	}
	if len(drawn) == 0 {
		return nil, &skipped{title, fmt.Sprintf("no design has %s samples along %s.", op, axisName)}, nil
	}
	// The axes.
	p.X.Tick.Marker = g.valueTicks(ax)
	if xLog {
		p.X.Scale = plot.LogScale{}
		p.X.Min, p.X.Max = lo/math.Pow(2, 0.35), hi*math.Pow(2, 0.35)
	} else {
		pad := (hi - lo) * 0.06
		if pad == 0 {
			pad = max(math.Abs(lo)*0.5, 1)
		}
		p.X.Min, p.X.Max = lo-pad, hi+pad
	}
	if m.log {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, durTicks{}
		p.Y.Min, p.Y.Max = ylo/1.25, yhi*1.25
	} else {
		p.Y.Tick.Marker = siTicks{}
		p.Y.Min, p.Y.Max = 0, yhi*1.08
		if yhi == 0 {
			p.Y.Max = 1
		}
	}
	var notes []string
	if len(ax.values) == 1 {
		notes = append(notes, fmt.Sprintf("The scenario has a single %s value, so each design is one point.", axisName))
	}
	if h := g.heldText(axisName); h != "" {
		notes = append(notes, h)
	}
	if noCI {
		notes = append(notes, "Points without bars have one replication: no interval.")
	}
	if clamped {
		notes = append(notes, "Interval ends below a tenth of the value are drawn at a tenth (log axis).")
	}
	what := m.what
	if m.key == "throughput" {
		what += " (ops completed per second of simulated time, all CPUs together)"
	}
	caption := fmt.Sprintf("%s: %s %s against %s, one line per design: %s. Bars: 95%% CIs over %s, each design's a little to the side. %s All values simulated.",
		g.name, op, what, strings.TrimSuffix(xLabel, " (log2 scale)"), strings.Join(drawn, ", "), plural(g.reps, "replication"), strings.Join(notes, " "))
	return &figure{name: "scaling-" + fileStem(axisName) + "-" + m.key + "-" + fileStem(op), title: title, plot: p, legend: leg,
		w: figWidth, h: figHeight, caption: strings.Replace(caption, ".  All", ". All", 1)}, nil, nil
}

// errPoint is a 95% interval [lo, hi] at x.
type errPoint struct{ x, lo, hi float64 }

// errPoints draws intervals as error bars around their centres, so that a
// bar spans exactly the interval whatever the point's own value.
type errPoints []errPoint

func (e errPoints) Len() int                { return len(e) }
func (e errPoints) XY(i int) (x, y float64) { return e[i].x, (e[i].lo + e[i].hi) / 2 }
func (e errPoints) YError(i int) (float64, float64) {
	h := (e[i].hi - e[i].lo) / 2
	return h, h
}

// siTicks labels a linear axis with SI prefixes: 2k, 1.5M.
type siTicks struct{}

func (siTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = fmtSI(ticks[i].Value)
		}
	}
	return ticks
}

// fmtSI prints v with an SI prefix and up to three significant digits.
func fmtSI(v float64) string {
	a := math.Abs(v)
	for _, u := range []struct {
		div  float64
		name string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if a >= u.div {
			return sig3(v/u.div) + u.name
		}
	}
	return sig3(v)
}
