package reports

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// figure is one plot of a report: plots/<name>.svg, drawn with its
// legend at the right.
type figure struct {
	name    string // file stem
	title   string // heading in the reports
	caption string // says what is drawn, for which designs and cell; "simulated"
	plot    *plot.Plot
	legend  *plot.Legend // nil: none
	// panels, instead of plot, are a row of plots sharing their Y axis,
	// under heading.
	panels  []*plot.Plot
	heading string
	w, h    vg.Length
}

// skipped is a plot left out of a report because the results have no data
// for it.
type skipped struct {
	Title  string
	Reason string
}

// Sizes of a figure.
const (
	figWidth  = 18 * vg.Centimeter
	figHeight = 10 * vg.Centimeter
)

// The font of every text of a plot.
var plotFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// svgFontFamily is how vgsvg names plotFont; svgFontStack adds fallbacks
// for readers without the Liberation fonts.
const (
	svgFontFamily = "font-family:Liberation Sans;"
	svgFontStack  = "font-family:Liberation Sans,Arimo,Arial,Helvetica,sans-serif;"
)

// designColors are the Okabe-Ito colours, distinguishable with the common
// colour-vision deficiencies; designs past the eighth reuse them with
// another dash pattern.
var designColors = []color.RGBA{
	{0x00, 0x72, 0xb2, 0xff}, // blue
	{0xd5, 0x5e, 0x00, 0xff}, // vermillion
	{0x00, 0x9e, 0x73, 0xff}, // bluish green
	{0xcc, 0x79, 0xa7, 0xff}, // reddish purple
	{0xe6, 0x9f, 0x00, 0xff}, // orange
	{0x56, 0xb4, 0xe9, 0xff}, // sky blue
	{0x00, 0x00, 0x00, 0xff}, // black
	{0xf0, 0xe4, 0x42, 0xff}, // yellow
}

var designDashes = [][]vg.Length{
	nil,
	{vg.Points(6), vg.Points(3)},
	{vg.Points(2), vg.Points(2)},
	{vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)},
}

var designGlyphs = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.CrossGlyph{},
	draw.RingGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, draw.PlusGlyph{},
}

func designColor(i int) color.Color { return designColors[i%len(designColors)] }

// designLine is design i's line style: its colour, and a dash pattern that
// tells designs apart in black and white too.
func designLine(i int) draw.LineStyle {
	return draw.LineStyle{Color: designColor(i), Width: vg.Points(1.5),
		Dashes: designDashes[(i+i/len(designColors))%len(designDashes)]}
}

func designGlyph(i int) draw.GlyphStyle {
	return draw.GlyphStyle{Color: designColor(i), Radius: vg.Points(2.5), Shape: designGlyphs[i%len(designGlyphs)]}
}

// newPlot returns a plot in the reports' style: sans-serif text, a title
// naming the scenario and saying the data are simulated, grid-less axes
// with units in their labels.
func (g *grid) newPlot(what, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = g.plotTitle(what)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	setFont := func(s *text.Style, size vg.Length) { s.Font = font.From(plotFont, size) }
	setFont(&p.Title.TextStyle, 12)
	setFont(&p.X.Label.TextStyle, 10)
	setFont(&p.Y.Label.TextStyle, 10)
	setFont(&p.X.Tick.Label, 9)
	setFont(&p.Y.Tick.Label, 9)
	return p
}

// plotTitle names the scenario and says the data are simulated, on two
// lines when one would not fit above a plot.
func (g *grid) plotTitle(what string) string {
	name := truncate(g.name, 48)
	if runeLen(name)+runeLen(what) > 56 {
		return name + " (simulated)\n" + what
	}
	return name + ": " + what + " (simulated)"
}

// newLegend returns an empty legend in the reports' style.
func newLegend() *plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font = font.From(plotFont, 9)
	l.Top, l.Left = true, true
	l.ThumbnailWidth = vg.Points(22)
	l.Padding = vg.Points(2)
	return &l
}

// draw draws the figure onto c: the plot, and the legend in a column at
// its right.
func (f *figure) draw(c draw.Canvas) {
	margin := vg.Points(6)
	c = draw.Crop(c, margin, -margin, margin/2, 0)
	if len(f.panels) > 0 {
		f.drawPanels(c)
		return
	}
	if f.legend == nil {
		f.plot.Draw(c)
		return
	}
	r := f.legend.Rectangle(c)
	pad := vg.Points(10)
	lw := r.Max.X - r.Min.X + 2*pad
	f.plot.Draw(draw.Crop(c, 0, -lw, 0, 0))
	top := vg.Points(30) // below the title
	f.legend.Draw(draw.Crop(c, c.Max.X-c.Min.X-lw+pad, 0, 0, -top))
}

// drawPanels draws the heading, then the panels side by side, their data
// areas aligned.
func (f *figure) drawPanels(c draw.Canvas) {
	sty := f.panels[0].Title.TextStyle
	sty.Font.Size = 12
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
	pad := vg.Points(6)
	c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - pad}, f.heading)
	top := sty.Rectangle(f.heading).Size().Y + 3*pad
	tiles := draw.Tiles{Rows: 1, Cols: len(f.panels), PadX: vg.Points(14), PadTop: top, PadRight: pad}
	canvases := plot.Align([][]*plot.Plot{f.panels}, tiles, c)
	for i, p := range f.panels {
		p.Draw(canvases[0][i])
	}
}

// svg renders the figure as a standalone SVG document.
func (f *figure) svg() (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reports: drawing %s: %v", f.name, r)
		}
	}()
	c := vgsvg.New(f.w, f.h)
	f.draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return bytes.ReplaceAll(buf.Bytes(), []byte(svgFontFamily), []byte(svgFontStack)), nil
}

// png renders the figure as a PNG image at 192 dpi.
func (f *figure) png() (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reports: drawing %s: %v", f.name, r)
		}
	}()
	c := vgimg.NewWith(vgimg.UseWH(f.w, f.h), vgimg.UseDPI(192))
	f.draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// inlineSVG is an SVG document without its XML prologue, to be placed in
// an HTML page.
func inlineSVG(doc []byte) []byte {
	if i := bytes.Index(doc, []byte("<svg")); i >= 0 {
		return doc[i:]
	}
	return doc
}

// durTicks labels a logarithmic axis of nanoseconds with durations:
// every power of ten, and 2 and 5 times it when the range spans less than
// two decades.
type durTicks struct{}

func (durTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) {
		lo = 1
	}
	if !(hi > lo) {
		hi = lo * 10
	}
	k0 := int(math.Floor(math.Log10(lo)))
	k1 := int(math.Ceil(math.Log10(hi)))
	dense := k1-k0 <= 2
	var ticks []plot.Tick
	for k := k0; k <= k1; k++ {
		p := math.Pow(10, float64(k))
		for m := 1; m <= 9; m++ {
			v := float64(m) * p
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			label := ""
			if m == 1 || dense && (m == 2 || m == 5) {
				label = fmtDurZero(v)
			}
			ticks = append(ticks, plot.Tick{Value: v, Label: label})
		}
	}
	return ticks
}

// ninesTicks labels the percentile-spectrum axis, X = 1/(1−q), up to
// 10^k: 0%, 50%, 90%, 99%, 99.9%, ...
func ninesTicks(k int) plot.ConstantTicks {
	ticks := plot.ConstantTicks{{Value: 1, Label: "0%"}, {Value: 2, Label: "50%"}}
	for j := 1; j <= k; j++ {
		ticks = append(ticks, plot.Tick{Value: math.Pow(10, float64(j)), Label: ninesLabel(j)})
	}
	for j := 0; j < k; j++ {
		for m := 2; m <= 9; m++ {
			if j == 0 && m == 2 {
				continue
			}
			ticks = append(ticks, plot.Tick{Value: float64(m) * math.Pow(10, float64(j))})
		}
	}
	return ticks
}

// ninesLabel is the percentile of 1/(1−q) = 10^j: 90%, 99%, 99.9%, ...
func ninesLabel(j int) string {
	if j <= 2 {
		return strconv.Itoa(100-int(math.Pow(10, float64(2-j)))) + "%"
	}
	return "99." + strings.Repeat("9", j-2) + "%"
}

// valueTicks puts a tick at each value of ax, labelled as the scenario
// writes it.
func (g *grid) valueTicks(ax axis) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(ax.values))
	for i, v := range ax.values {
		ticks[i] = plot.Tick{Value: v, Label: g.valueText(ax.name, v)}
	}
	return ticks
}

// percentTicks labels a 0..1 axis as percentages.
func percentTicks() plot.ConstantTicks {
	var ticks plot.ConstantTicks
	for i := 0; i <= 20; i++ {
		v := float64(i) / 20
		label := ""
		if i%5 == 0 {
			label = strconv.Itoa(i*5) + "%"
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label})
	}
	return ticks
}

// linearDurAxis returns the unit a linear duration axis reading up to max
// ns is labelled in.
func linearDurAxis(maxNs float64) durUnit {
	return durUnitFor(max(maxNs, 1))
}

// logRange widens [lo, hi] to whole decades for a log axis of latencies,
// never below 1 ns.
func logRange(lo, hi float64) (float64, float64) {
	lo, hi = max(lo, 1), max(hi, 1)
	lo = math.Pow(10, math.Floor(math.Log10(lo)))
	hi = math.Pow(10, math.Ceil(math.Log10(hi)))
	if hi <= lo {
		hi = lo * 10
	}
	return lo, hi
}
