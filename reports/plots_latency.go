package reports

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// spectrumFigure draws the percentile spectrum of op at the focus cell:
// latency on a log axis against 1/(1−q) on a log "nines" axis, one line
// per design. q = 1 is dropped (its X is infinite) and latencies below
// 1 ns are drawn at 1 ns.
func (g *grid) spectrumFigure(op string) (*figure, *skipped, error) {
	title := "Percentile spectrum: " + op
	p := g.newPlot(op+" latency percentile spectrum", "percentile (log scale of 1/(1−q))", "latency (log scale)")
	leg := newLegend()
	lo, hi, xmax := math.Inf(1), 0.0, 1.0
	var drawn []string
	for i, d := range g.designs {
		r := g.atFocus(d)
		if r == nil {
			continue
		}
		o, ok := r.Ops[op]
		if !ok || o.Count == 0 {
			continue
		}
		var xys plotter.XYs
		for _, qv := range o.Spectrum {
			if qv[0] >= 1 {
				continue
			}
			x, y := 1/(1-qv[0]), max(qv[1], 1)
			xys = append(xys, plotter.XY{X: x, Y: y})
			lo, hi, xmax = min(lo, y), max(hi, y), max(xmax, x)
		}
		if len(xys) == 0 {
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, nil, fmt.Errorf("reports: %s, %s: %v", title, d, err)
		}
		l.LineStyle = designLine(i)
		p.Add(l)
		leg.Add(d, l)
		drawn = append(drawn, d)
	}
	if len(drawn) == 0 {
		return nil, &skipped{title, "no design has " + op + " samples at " + g.focusText("") + "."}, nil
	}
	k := max(1, int(math.Ceil(math.Log10(xmax)-1e-9)))
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, ninesTicks(k)
	p.X.Min, p.X.Max = 1, math.Pow(10, float64(k))
	p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, durTicks{}
	p.Y.Min, p.Y.Max = logRange(lo, hi)
	return &figure{name: "spectrum-" + fileStem(op), title: title, plot: p, legend: leg, w: figWidth, h: figHeight,
		caption: fmt.Sprintf("%s: %s latency against percentile (the percentile spectrum, log-log), one line per design: %s. "+
			"At %s, over %s. The spectrum stops at the last percentile the sample count resolves. All values simulated.",
			g.name, op, strings.Join(drawn, ", "), g.focusText(""), plural(g.reps, "replication"))}, nil, nil
}

// cdfFigure draws the empirical CDF of op's latency at the focus cell, a
// step line per design on a log latency axis.
func (g *grid) cdfFigure(op string) (*figure, *skipped, error) {
	title := "Latency CDF: " + op
	p := g.newPlot(op+" latency CDF", "latency (log scale)", "share of ops at or below")
	leg := newLegend()
	lo, hi := math.Inf(1), 0.0
	var drawn []string
	for i, d := range g.designs {
		r := g.atFocus(d)
		if r == nil {
			continue
		}
		o, ok := r.Ops[op]
		if !ok || o.Count == 0 || len(o.Spectrum) == 0 {
			continue
		}
		var xys plotter.XYs
		for _, qv := range o.Spectrum {
			x := max(qv[1], 1)
			xys = append(xys, plotter.XY{X: x, Y: qv[0]})
			lo, hi = min(lo, x), max(hi, x)
		}
		if last := xys[len(xys)-1]; last.Y < 1 {
			x := max(o.Latency.Max, last.X)
			xys = append(xys, plotter.XY{X: x, Y: 1})
			hi = max(hi, x)
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, nil, fmt.Errorf("reports: %s, %s: %v", title, d, err)
		}
		l.StepStyle = plotter.PostStep
		l.LineStyle = designLine(i)
		p.Add(l)
		leg.Add(d, l)
		drawn = append(drawn, d)
	}
	if len(drawn) == 0 {
		return nil, &skipped{title, "no design has " + op + " samples at " + g.focusText("") + "."}, nil
	}
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, durTicks{}
	p.X.Min, p.X.Max = logRange(lo, hi)
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = percentTicks()
	return &figure{name: "cdf-" + fileStem(op), title: title, plot: p, legend: leg, w: figWidth, h: figHeight,
		caption: fmt.Sprintf("%s: cumulative distribution of %s latency, one step line per design: %s. "+
			"At %s, over %s; the last step reaches the largest latency seen. All values simulated.",
			g.name, op, strings.Join(drawn, ", "), g.focusText(""), plural(g.reps, "replication"))}, nil, nil
}

// fileStem makes a name safe for a file name: lower-case letters, digits
// and '-'.
func fileStem(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}
