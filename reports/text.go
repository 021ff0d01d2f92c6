package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/luosim/luosim/bench"
)

// textWidth is the widest line of report.txt: it must fit a patch cover
// letter.
const textWidth = 72

// WriteText writes the summary of doc as plain text at most 72 columns
// wide, for a mail or a cover letter: the designs at the focus cell (the
// largest CPU count) with 95% CIs and safety counts, a verdict per design
// and, when CPU counts vary, the p99 scaling. It is report.txt, and what
// `luosim report` prints.
func WriteText(w io.Writer, doc *bench.Document) error {
	g, err := newGrid(doc)
	if err != nil {
		return err
	}
	_, err = w.Write(g.text())
	return err
}

func (g *grid) text() []byte {
	var b bytes.Buffer
	vs := g.verdicts()
	op := g.primaryOp()
	line := func(s string) { b.WriteString(truncate(s, textWidth) + "\n") }
	// para wraps a sentence (a heading naming sweep values can be long).
	para := func(s string) {
		for _, l := range wrap(s, textWidth) {
			b.WriteString(l + "\n")
		}
	}
	labels, key := g.textLabels()

	title := fmt.Sprintf(": %s, %s, simulated", plural(len(g.designs), "design"), plural(g.reps, "replication"))
	line(truncate(g.name, textWidth-runeLen(title)) + title)
	for _, k := range key {
		line(k)
	}
	b.WriteString("\n")

	// The designs at the focus cell.
	para("at " + g.focusText("") + " (± is the 95% CI over replications):")
	t := textTable{head: []string{"design", op + " p99"}, right: []bool{false, true}}
	hasRetrieve := op != "retrieve" && g.hasOp("retrieve")
	if hasRetrieve {
		t.head = append(t.head, "retrieve p99")
		t.right = append(t.right, true)
	}
	hasBlackout := g.hasPhases()
	if hasBlackout {
		t.head = append(t.head, "blackout")
		t.right = append(t.right, true)
	}
	t.head = append(t.head, "")
	t.right = append(t.right, false)
	for _, v := range vs {
		row := []string{labels[v.design]}
		r := g.atFocus(v.design)
		for len(row) < len(t.head)-1 {
			row = append(row, "-")
		}
		if r != nil {
			row[1] = p99Cell(r, op)
			i := 2
			if hasRetrieve {
				row[i] = p99Cell(r, "retrieve")
				i++
			}
			if hasBlackout {
				row[i] = fmtDur(r.Phases["blackout_ns"])
			}
		}
		row = append(row, unsafeMark(v))
		t.rows = append(t.rows, row)
	}
	t.write(&b)

	b.WriteString("\n")
	line("verdict: p99 " + op + " against the fastest; unloads over the sweep:")
	vt := textTable{head: []string{"design", "p99", "blocked", "safety"}, right: []bool{false, true, true, false}}
	for _, v := range vs {
		vt.rows = append(vt.rows, []string{labels[v.design], v.rel, fmt.Sprint(v.blocked), v.safety()})
	}
	vt.write(&b)

	if cpus := g.axisByName(cpusAxis); len(cpus.values) > 1 {
		b.WriteString("\n")
		held := ""
		if g.othersVary(cpusAxis) {
			held = " (" + g.focusText(cpusAxis) + ")"
		}
		st, shown := g.scalingText(op, cpus.values, vs, labels)
		if shown < len(cpus.values) {
			held += fmt.Sprintf(", %d of %d counts", shown, len(cpus.values))
		}
		para("p99 " + op + " by simulated CPUs" + held + ":")
		st.write(&b)
	}

	b.WriteString("\n")
	foot := "blocked: rmmod attempts refused because the module was pinned; " +
		"UNSAFE: a module unloaded while LUO still needed it (hazards), summed over every point and replication."
	foot += fmt.Sprintf(" All numbers simulated: luosim %s, seed %d, scenario sha256 %s.",
		g.doc.Version, g.doc.Seed, shortHash(g.doc.ScenarioSHA256))
	for _, l := range wrap(foot, textWidth) {
		b.WriteString(l + "\n")
	}
	return b.Bytes()
}

// maxTextLabel is the widest design name report.txt prints; longer names
// (inline designs) become d1, d2, ... with a key under the title.
const maxTextLabel = 18

// textLabels names the designs in report.txt, and returns the key lines
// for those it had to abbreviate.
func (g *grid) textLabels() (map[string]string, []string) {
	labels := map[string]string{}
	var key []string
	for i, d := range g.designs {
		if runeLen(d) <= maxTextLabel {
			labels[d] = d
			continue
		}
		labels[d] = fmt.Sprintf("d%d", i+1)
		key = append(key, fmt.Sprintf("  %s = %s", labels[d], d))
	}
	return labels, key
}

func unsafeMark(v verdict) string {
	if v.unsafe() {
		return "UNSAFE"
	}
	return ""
}

// p99Cell is "4.78ms ±3.1%", "-" without samples.
func p99Cell(r *bench.PointResult, op string) string {
	o, ok := r.Ops[op]
	if !ok || o.Count == 0 {
		return "-"
	}
	s := fmtDur(o.Latency.P99)
	if pm := fmtPM(o.Latency.P99, o.Latency.P99CI95); pm != "" {
		s += " " + pm
	}
	return s
}

// scalingText is the p99 of op at each CPU count (others at the focus
// cell), with as many CPU counts as fit in textWidth: it returns how many.
func (g *grid) scalingText(op string, cpus []float64, vs []verdict, labels map[string]string) (textTable, int) {
	build := func(cols []float64) textTable {
		t := textTable{head: []string{"design"}, right: []bool{false}, gap: 1}
		for _, c := range cols {
			t.head = append(t.head, fmtNum(c))
			t.right = append(t.right, true)
		}
		t.head = append(t.head, "")
		t.right = append(t.right, false)
		for _, v := range vs {
			row := []string{labels[v.design]}
			xs, rs := g.along(v.design, cpusAxis)
			for _, c := range cols {
				cell := "-"
				for k, x := range xs {
					if x == c {
						if o, ok := rs[k].Ops[op]; ok && o.Count > 0 {
							cell = fmtDur(o.Latency.P99)
						}
					}
				}
				row = append(row, cell)
			}
			t.rows = append(t.rows, append(row, unsafeMark(v)))
		}
		return t
	}
	cols := cpus
	for n := len(cpus); n >= 2; n-- {
		cols = spread(cpus, n)
		if t := build(cols); t.width(maxTextLabel) <= textWidth {
			return t, len(cols)
		}
	}
	return build(cols), len(cols)
}

// spread picks n of xs, evenly spaced, first and last included.
func spread(xs []float64, n int) []float64 {
	if n >= len(xs) {
		return xs
	}
	out := make([]float64, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, xs[i*(len(xs)-1)/(n-1)])
	}
	return out
}

// othersVary reports whether some axis other than name has several values.
func (g *grid) othersVary(name string) bool {
	for _, a := range g.axes {
		if a.name != name && len(a.values) > 1 {
			return true
		}
	}
	return false
}

// hasPhases reports whether any result has lifecycle phases.
func (g *grid) hasPhases() bool {
	for _, r := range g.doc.Results {
		for _, v := range r.Phases {
			if v > 0 {
				return true
			}
		}
	}
	return false
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// textTable is a fixed-width table. The first column shrinks (see
// shorten) to keep the table within textWidth.
type textTable struct {
	indent int
	gap    int      // between columns; 0 means 2
	head   []string // none: no header line
	rows   [][]string
	right  []bool // right-align column i
}

func (t *textTable) sep() int {
	if t.gap > 0 {
		return t.gap
	}
	return 2
}

func (t *textTable) widths() []int {
	var w []int
	for _, row := range append([][]string{t.head}, t.rows...) {
		for i, c := range row {
			if i >= len(w) {
				w = append(w, 0)
			}
			w[i] = max(w[i], runeLen(c))
		}
	}
	return w
}

// width is the table's width with its first column cut to at most first
// runes.
func (t *textTable) width(first int) int {
	w := t.widths()
	if len(w) == 0 {
		return 0
	}
	w[0] = min(w[0], first)
	n := t.indent
	for _, x := range w {
		n += x + t.sep()
	}
	return n - t.sep()
}

func (t *textTable) write(b *bytes.Buffer) {
	w := t.widths()
	if len(w) == 0 {
		return
	}
	// Shrink the first column to fit, down to 8 runes.
	for w[0] > 8 && t.width(w[0]) > textWidth {
		w[0]--
	}
	rows := t.rows
	if t.head != nil {
		rows = append([][]string{t.head}, rows...)
	}
	for _, row := range rows {
		var l strings.Builder
		l.WriteString(strings.Repeat(" ", t.indent))
		for i, c := range row {
			if i == 0 {
				c = shorten(c, w[0])
			}
			pad := strings.Repeat(" ", w[i]-runeLen(c))
			if i < len(t.right) && t.right[i] {
				l.WriteString(pad + c)
			} else {
				l.WriteString(c + pad)
			}
			if i < len(row)-1 {
				l.WriteString(strings.Repeat(" ", t.sep()))
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
}

// wrap breaks s into lines of at most width runes at spaces.
func wrap(s string, width int) []string {
	var lines []string
	var cur string
	for _, word := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = word
		case runeLen(cur)+1+runeLen(word) <= width:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = word
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
