package reports

import (
	"github.com/luosim/luosim/bench"
)

// Options are the rarely changed knobs of Render. The zero value renders
// what Files does.
type Options struct {
	// PNG adds plots/<name>.png, at 192 dpi, beside every SVG.
	PNG bool
}

// Files renders every report file of doc by relative name: "report.html",
// "report.md", "report.txt" and "plots/<name>.svg". inv, from
// manifest.json, fills the reproducibility section; it may be nil. The
// bytes are a pure function of (doc, inv).
func Files(doc *bench.Document, inv *Invocation) (map[string][]byte, error) {
	return Render(doc, inv, Options{})
}

// Render is Files with options.
func Render(doc *bench.Document, inv *Invocation, opt Options) (map[string][]byte, error) {
	g, err := newGrid(doc)
	if err != nil {
		return nil, err
	}
	figs, skips, err := g.figures()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	svgs := map[string][]byte{}
	for _, f := range figs {
		b, err := f.svg()
		if err != nil {
			return nil, err
		}
		files["plots/"+f.name+".svg"] = b
		svgs[f.name] = b
		if opt.PNG {
			png, err := f.png()
			if err != nil {
				return nil, err
			}
			files["plots/"+f.name+".png"] = png
		}
	}
	rep := g.newReport(inv, figs, svgs, skips)
	html, err := rep.html()
	if err != nil {
		return nil, err
	}
	files["report.html"] = html
	files["report.md"] = rep.markdown()
	files["report.txt"] = []byte(rep.Text)
	return files, nil
}

// figures builds every plot the results have data for, in report order,
// and says why the others are left out.
func (g *grid) figures() ([]*figure, []skipped, error) {
	var figs []*figure
	var skips []skipped
	add := func(f *figure, s *skipped, err error) error {
		if err != nil {
			return err
		}
		if s != nil {
			skips = append(skips, *s)
			return nil
		}
		figs = append(figs, f)
		return nil
	}
	ops := g.keyOps()
	var steps []func() (*figure, *skipped, error)
	for _, op := range ops {
		steps = append(steps, func() (*figure, *skipped, error) { return g.spectrumFigure(op) })
	}
	for _, op := range ops {
		steps = append(steps, func() (*figure, *skipped, error) { return g.cdfFigure(op) })
	}
	for _, a := range g.axes {
		if a.name != cpusAxis && len(a.values) < 2 {
			continue
		}
		for _, op := range ops {
			for _, m := range []metric{throughputMetric, p99Metric} {
				steps = append(steps, func() (*figure, *skipped, error) { return g.scalingFigure(a.name, op, m) })
			}
		}
	}
	for _, op := range ops {
		steps = append(steps, func() (*figure, *skipped, error) { return g.breakdownFigure(op) })
	}
	steps = append(steps, g.phasesFigure, g.safetyFigure, g.contentionFigure)
	for _, step := range steps {
		if err := add(step()); err != nil {
			return nil, nil, err
		}
	}
	if !g.hasOp("retrieve") {
		skips = append([]skipped{{"Retrieve plots", "the results have no retrieve samples (a steady workload runs preserve only)."}}, skips...)
	}
	return figs, skips, nil
}
