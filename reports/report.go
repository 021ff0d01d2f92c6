package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/luosim/luosim/bench"
	"github.com/luosim/luosim/workload"
)

// report is what report.html and report.md show, built once from the
// grid: every string here is plain text, escaped by each format.
type report struct {
	Title    string
	Headline string
	Facts    []pair
	Verdicts table
	Text     string // report.txt
	Tables   []table
	Figures  []figView
	Skipped  []skipped
	Safety   table
	Locks    table
	Scenario string // canonical YAML
	Repro    []pair
}

type pair struct{ Key, Value string }

// table is a table of plain-text cells.
type table struct {
	ID    string // anchor
	Title string
	Note  string
	Head  []string
	Num   []bool // right-align column i
	Rows  [][]cell
}

type cell struct {
	Text  string
	Alert bool // an UNSAFE design: shown in bold
}

// figView is a figure as the reports show it.
type figView struct {
	Name, Title, Caption string
	File                 string // plots/<name>.svg
	SVG                  []byte // inline form
}

// newReport builds the report model.
func (g *grid) newReport(inv *Invocation, figs []*figure, svgs map[string][]byte, skips []skipped) *report {
	vs := g.verdicts()
	rep := &report{
		Title:    "luosim report: " + g.name + " (simulated)",
		Headline: g.headline(vs),
		Text:     string(g.text()),
		Skipped:  skips,
		Scenario: g.canonicalScenario(),
	}
	var cells []string
	for _, a := range g.axes {
		vals := make([]string, len(a.values))
		for i, v := range a.values {
			vals[i] = g.valueText(a.name, v)
		}
		name := a.name
		if name == cpusAxis {
			name = "simulated CPUs"
		}
		cells = append(cells, name+": "+strings.Join(vals, ", "))
	}
	rep.Facts = []pair{
		{"evidence", g.doc.Evidence + " (every number in this report comes from the simulator, not from hardware)"},
		{"designs", strings.Join(g.designs, ", ")},
		{"sweep", strings.Join(cells, "; ")},
		{"replications", fmt.Sprint(g.reps)},
		{"focus", g.focusText("") + " (single-cell plots and tables)"},
	}
	rep.Verdicts = g.verdictTable(vs)
	for _, op := range g.keyOps() {
		rep.Tables = append(rep.Tables, g.opTable(op, vs))
	}
	if t, ok := g.otherOpsTable(vs); ok {
		rep.Tables = append(rep.Tables, t)
	}
	if g.hasPhases() {
		rep.Tables = append(rep.Tables, g.phaseTable(vs))
	}
	for _, f := range figs {
		rep.Figures = append(rep.Figures, figView{Name: f.name, Title: f.title, Caption: f.caption,
			File: "plots/" + f.name + ".svg", SVG: svgs[f.name]})
	}
	rep.Safety = g.safetyTable(vs)
	rep.Locks = g.locksTable(vs)
	rep.Repro = g.repro(inv)
	return rep
}

// keyOps are the ops with their own tables and plots: preserve and
// retrieve, those the scenario has.
func (g *grid) keyOps() []string {
	var ops []string
	for _, op := range []string{"preserve", "retrieve"} {
		if g.hasOp(op) {
			ops = append(ops, op)
		}
	}
	if len(ops) == 0 && len(g.ops) > 0 {
		ops = append(ops, g.ops[0])
	}
	return ops
}

func designCell(v verdict) cell {
	if v.unsafe() {
		return cell{Text: v.design + " (UNSAFE)", Alert: true}
	}
	return cell{Text: v.design}
}

func (g *grid) verdictTable(vs []verdict) table {
	op := g.primaryOp()
	t := table{ID: "verdict", Title: "The designs at " + g.focusText(""),
		Note: fmt.Sprintf("Ranked by p99 %s latency at %s; two designs whose 95%% CIs of the p99 overlap are called tied. "+
			"Safety counts are sums over every point and replication.", op, g.focusText("")),
		Head: []string{"design", "verdict", "p99 " + op, "95% CI", "unloads blocked", "unload hazards", "safety"},
		Num:  []bool{false, false, true, true, true, true, false}}
	for _, v := range vs {
		t.Rows = append(t.Rows, []cell{designCell(v), {Text: v.perf}, {Text: fmtDur(v.p99)}, {Text: fmtDurCI(v.p99CI)},
			{Text: fmt.Sprint(v.blocked)}, {Text: fmt.Sprint(v.hazards), Alert: v.unsafe()}, {Text: v.safety(), Alert: v.unsafe()}})
	}
	return t
}

// pointLabel names a result's cell: its point key, or "cpus=N".
func pointLabel(r *bench.PointResult) string {
	if r.Point != "" {
		return r.Point
	}
	return fmt.Sprintf("cpus=%d", r.CPUs)
}

// opTable lists op at every point of every design, with 95% CIs.
func (g *grid) opTable(op string, vs []verdict) table {
	t := table{ID: "table-" + fileStem(op), Title: "Latency and throughput: " + op,
		Note: "Mean, p99 and throughput with their 95% Student-t intervals over replications " +
			"(\"-\": one replication). Latency runs from issue to completion. All values simulated.",
		Head: []string{"design", "point", "ops", "mean", "mean 95% CI", "p99", "p99 95% CI", "throughput", "throughput 95% CI", "unload hazards"},
		Num:  []bool{false, false, true, true, true, true, true, true, true, true}}
	for _, v := range vs {
		for i := range g.doc.Results {
			r := &g.doc.Results[i]
			if r.Design != v.design {
				continue
			}
			o, ok := r.Ops[op]
			if !ok || o.Count == 0 {
				continue
			}
			haz := r.Hazards["unload_hazards"]
			t.Rows = append(t.Rows, []cell{designCell(v), {Text: pointLabel(r)}, {Text: fmt.Sprint(o.Count)},
				{Text: fmtDur(o.Latency.Mean)}, {Text: fmtDurCI(o.Latency.MeanCI95)},
				{Text: fmtDur(o.Latency.P99)}, {Text: fmtDurCI(o.Latency.P99CI95)},
				{Text: fmtRate(o.ThroughputPerS)}, {Text: fmtRateCI(o.ThroughputCI95)},
				{Text: fmt.Sprint(haz), Alert: haz > 0}})
		}
	}
	return t
}

// otherOpsTable lists the ops other than the key ones at the focus cell.
func (g *grid) otherOpsTable(vs []verdict) (table, bool) {
	key := g.keyOps()
	t := table{ID: "table-other-ops", Title: "Other operations at " + g.focusText(""),
		Note: "Mean and p99 latency with 95% CIs over replications. All values simulated.",
		Head: []string{"design", "op", "ops", "mean", "mean 95% CI", "p99", "p99 95% CI", "throughput"},
		Num:  []bool{false, false, true, true, true, true, true, true}}
	for _, v := range vs {
		r := g.atFocus(v.design)
		if r == nil {
			continue
		}
		for _, op := range g.ops {
			o, ok := r.Ops[op]
			if !ok || o.Count == 0 || slices.Contains(key, op) {
				continue
			}
			t.Rows = append(t.Rows, []cell{designCell(v), {Text: op}, {Text: fmt.Sprint(o.Count)},
				{Text: fmtDur(o.Latency.Mean)}, {Text: fmtDurCI(o.Latency.MeanCI95)},
				{Text: fmtDur(o.Latency.P99)}, {Text: fmtDurCI(o.Latency.P99CI95)}, {Text: fmtRate(o.ThroughputPerS)}})
		}
	}
	return t, len(t.Rows) > 0
}

func (g *grid) phaseTable(vs []verdict) table {
	t := table{ID: "table-phases", Title: "Lifecycle phases",
		Note: "Means over replications. Blackout is the single-threaded reboot (freeze and serialize). All values simulated.",
		Head: []string{"design", "point", "preserve phase", "blackout", "restore"},
		Num:  []bool{false, false, true, true, true}}
	for _, v := range vs {
		for i := range g.doc.Results {
			r := &g.doc.Results[i]
			if r.Design != v.design {
				continue
			}
			t.Rows = append(t.Rows, []cell{designCell(v), {Text: pointLabel(r)}, {Text: fmtDur(r.Phases["preserve_ns"])},
				{Text: fmtDur(r.Phases["blackout_ns"])}, {Text: fmtDur(r.Phases["restore_ns"])}})
		}
	}
	return t
}

func (g *grid) safetyTable(vs []verdict) table {
	t := table{ID: "table-safety", Title: "Module unloads per point",
		Note: "Module unload (rmmod) attempts, summed over replications. Blocked: refused because the module's refcount was held " +
			"(an availability cost). Hazards: the unload succeeded while LUO still needed the module (a preserved file of one of " +
			"its handlers, or a deserialized entry not yet finished). Any hazard makes a design UNSAFE.",
		Head: []string{"design", "point", "unloads blocked", "unload hazards"},
		Num:  []bool{false, false, true, true}}
	for _, v := range vs {
		for i := range g.doc.Results {
			r := &g.doc.Results[i]
			if r.Design != v.design {
				continue
			}
			haz := r.Hazards["unload_hazards"]
			t.Rows = append(t.Rows, []cell{designCell(v), {Text: pointLabel(r)},
				{Text: fmt.Sprint(r.Hazards["unload_blocked"])}, {Text: fmt.Sprint(haz), Alert: haz > 0}})
		}
		t.Rows = append(t.Rows, []cell{designCell(v), {Text: "total"}, {Text: fmt.Sprint(v.blocked)},
			{Text: fmt.Sprint(v.hazards), Alert: v.unsafe()}})
	}
	return t
}

func (g *grid) locksTable(vs []verdict) table {
	t := table{ID: "table-locks", Title: "Locks at " + g.focusText(""),
		Note: "Per lock class, all instances together, over every replication. Wait runs from asking for the lock to getting it; " +
			"utilization is the mean share of time each lock of the class was held. All values simulated.",
		Head: []string{"design", "lock class", "acquisitions", "contended", "wait mean", "wait p99", "hold mean", "utilization", "line transfers", "max queue"},
		Num:  []bool{false, false, true, true, true, true, true, true, true, true}}
	for _, v := range vs {
		r := g.atFocus(v.design)
		if r == nil {
			continue
		}
		for _, name := range sortedKeys(r.Locks) {
			l := r.Locks[name]
			t.Rows = append(t.Rows, []cell{designCell(v), {Text: name}, {Text: fmt.Sprint(l.Acquisitions)},
				{Text: fmt.Sprintf("%.1f%%", l.ContendedShare*100)}, {Text: fmtDurZero(l.WaitNsMean)}, {Text: fmtDurZero(l.WaitNsP99)},
				{Text: fmtDurZero(l.HoldNsMean)}, {Text: fmt.Sprintf("%.2f%%", l.Utilization*100)},
				{Text: fmt.Sprint(l.Transfers)}, {Text: fmt.Sprint(l.MaxQueue)}})
		}
	}
	return t
}

// canonicalScenario is the document's scenario as canonical YAML, or its
// JSON when it does not parse.
func (g *grid) canonicalScenario() string {
	if sc, err := workload.Parse("results.json: scenario", g.doc.Scenario); err == nil {
		return string(sc.CanonicalYAML())
	}
	var b bytes.Buffer
	if err := json.Indent(&b, g.doc.Scenario, "", "  "); err != nil {
		return string(g.doc.Scenario)
	}
	return b.String()
}

func (g *grid) repro(inv *Invocation) []pair {
	notRecorded := "not recorded (no manifest.json)"
	get := func(s string) string {
		if s == "" {
			return notRecorded
		}
		return s
	}
	ps := []pair{
		{"evidence", g.doc.Evidence},
		{"luosim version", g.doc.Version},
		{"VCS revision", notRecorded},
		{"Go version", notRecorded},
		{"scenario SHA-256", g.doc.ScenarioSHA256},
		{"seed", fmt.Sprint(g.doc.Seed)},
		{"replications", fmt.Sprint(g.reps)},
		{"percentiles", g.doc.Percentile},
		{"command line", notRecorded},
	}
	if inv == nil {
		return ps
	}
	ps[2].Value, ps[3].Value = get(inv.Revision), get(inv.Go)
	ps[8].Value = get(inv.commandLine())
	if inv.Luosim != "" && inv.Luosim != g.doc.Version {
		ps = append(ps, pair{"luosim version (manifest)", inv.Luosim})
	}
	if inv.Scenario != "" {
		ps = append(ps, pair{"scenario source", inv.Scenario})
	}
	if inv.Workers > 0 {
		ps = append(ps, pair{"parallel replications (-j)", fmt.Sprint(inv.Workers)})
	}
	if inv.WallSeconds > 0 {
		ps = append(ps, pair{"wall time", fmt.Sprintf("%.2fs (host time, not simulated)", inv.WallSeconds)})
	}
	if inv.Started != "" {
		ps = append(ps, pair{"started", inv.Started})
	}
	if inv.Host != "" {
		ps = append(ps, pair{"host", inv.Host})
	}
	return ps
}
