package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat/distuv"
)

// Comparison is design B against design A for one op, metric and CPU
// count, paired over replications. Replications of both designs share
// their random numbers (common random numbers), so the per-replication
// differences are sharp.
type Comparison struct {
	CPUs     int         `json:"cpus"`
	Point    string      `json:"point"` // the grid cell, e.g. "cpus=16" or "cpus=16/sessions.count=32"
	Op       string      `json:"op"`
	Metric   string      `json:"metric"` // latency_mean, latency_p99, throughput
	A        float64     `json:"a"`      // mean over replications
	B        float64     `json:"b"`
	DeltaPct float64     `json:"delta_pct"` // mean of (B−A)/A over replications, in %
	CI95Pct  *[2]float64 `json:"delta_ci95_pct"`
	P        float64     `json:"p_value"` // paired two-sided t-test; 1 when every pair is equal
	Verdict  string      `json:"verdict"`
}

// compareMetrics are what Compare reports for each op.
var compareMetrics = []struct {
	name         string
	higherBetter bool
	get          func(ReplicaOp) float64
}{
	{"latency_mean", false, func(r ReplicaOp) float64 { return r.MeanNs }},
	{"latency_p99", false, func(r ReplicaOp) float64 { return r.P99Ns }},
	{"throughput", true, func(r ReplicaOp) float64 { return r.ThroughputPerS }},
}

// Compare compares design b with design a at every CPU count and op both
// ran. It needs at least two replications for a verdict. A difference is
// called significant when the paired t-test gives p < 0.05 and the mean
// difference is at least thresholdPct percent: common random numbers make
// even a difference of a few nanoseconds in milliseconds statistically
// certain, which is not what a reader of "significant" expects.
func Compare(doc *Document, a, b string, thresholdPct float64) ([]Comparison, error) {
	find := func(design, point string) *PointResult {
		for i := range doc.Results {
			if doc.Results[i].Design == design && doc.Results[i].Point == point {
				return &doc.Results[i]
			}
		}
		return nil
	}
	var out []Comparison
	seen := false
	for _, pa := range doc.Results {
		if pa.Design != a {
			continue
		}
		pb := find(b, pa.Point)
		if pb == nil {
			continue
		}
		seen = true
		for _, op := range sortedOps(pa.Ops) {
			if _, ok := pb.Ops[op]; !ok {
				continue
			}
			for _, m := range compareMetrics {
				out = append(out, compareOne(pa, *pb, op, m.name, m.higherBetter, m.get, thresholdPct))
			}
		}
	}
	if !seen {
		return nil, fmt.Errorf("no point has results for both %q and %q", a, b)
	}
	return out, nil
}

func compareOne(pa, pb PointResult, op, metric string, higherBetter bool, get func(ReplicaOp) float64, thresholdPct float64) Comparison {
	c := Comparison{CPUs: pa.CPUs, Point: pa.Point, Op: op, Metric: metric, P: 1}
	var deltas, as, bs []float64
	for i := 0; i < len(pa.Replicas) && i < len(pb.Replicas); i++ {
		ra, oka := pa.Replicas[i].Ops[op]
		rb, okb := pb.Replicas[i].Ops[op]
		if !oka || !okb {
			continue
		}
		va, vb := get(ra), get(rb)
		if va == 0 {
			continue // no relative change from zero; keep the three lists paired
		}
		as, bs = append(as, va), append(bs, vb)
		deltas = append(deltas, (vb-va)/va*100)
	}
	if len(deltas) == 0 {
		c.Verdict = "no data"
		return c
	}
	c.A, _ = meanCI(as)
	c.B, _ = meanCI(bs)
	m, half := meanCI(deltas)
	c.DeltaPct = m
	if len(deltas) >= 2 {
		c.CI95Pct = &[2]float64{m - half, m + half}
		var ss float64
		for _, d := range deltas {
			ss += float64((d - m) * (d - m))
		}
		sd := math.Sqrt(ss / float64(len(deltas)-1))
		switch {
		case sd > 0:
			tstat := m / (sd / math.Sqrt(float64(len(deltas))))
			c.P = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(deltas) - 1)}.Survival(math.Abs(tstat))
		case m != 0:
			c.P = 0 // every replication moved by exactly the same amount
		}
	}
	c.Verdict = verdict(c, half, higherBetter, thresholdPct)
	return c
}

func verdict(c Comparison, half float64, higherBetter bool, thresholdPct float64) string {
	if c.CI95Pct == nil {
		return "one replication: no verdict"
	}
	if c.P >= 0.05 {
		return "no significant difference"
	}
	if math.Abs(c.DeltaPct) < thresholdPct {
		return fmt.Sprintf("no significant difference (|delta| < %g%%)", thresholdPct)
	}
	better := (c.DeltaPct > 0) == higherBetter
	word := map[bool]string{true: "faster", false: "slower"}[better]
	if c.Metric == "throughput" {
		word = map[bool]string{true: "higher", false: "lower"}[better]
	}
	what := map[string]string{"latency_mean": "on average", "latency_p99": "at p99", "throughput": "in throughput"}[c.Metric]
	return fmt.Sprintf("B is %.3g%% ± %.2g%% %s %s", math.Abs(c.DeltaPct), half, word, what)
}

// WriteCompare prints comparisons as a table headed by the two designs.
func WriteCompare(w io.Writer, a, b string, cs []Comparison) error {
	fmt.Fprintf(w, "A = %s, B = %s (paired over common-random-number replications; all times simulated)\n", a, b)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	sweep := false
	for _, c := range cs {
		sweep = sweep || c.Point != fmt.Sprintf("cpus=%d", c.CPUs)
	}
	if sweep {
		fmt.Fprintln(tw, "point\top\tmetric\tA\tB\tdelta\t95% CI\tp\tverdict")
	} else {
		fmt.Fprintln(tw, "cpus\top\tmetric\tA\tB\tdelta\t95% CI\tp\tverdict")
	}
	for _, c := range cs {
		where := fmt.Sprint(c.CPUs)
		if sweep {
			where = c.Point
		}
		ci := "-"
		if c.CI95Pct != nil {
			ci = fmt.Sprintf("[%+.2f%%, %+.2f%%]", c.CI95Pct[0], c.CI95Pct[1])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%+.2f%%\t%s\t%.3g\t%s\n", where, c.Op, c.Metric,
			fmtMetric(c.Metric, c.A), fmtMetric(c.Metric, c.B), c.DeltaPct, ci, c.P, c.Verdict)
	}
	return tw.Flush()
}

func fmtMetric(metric string, v float64) string {
	if metric == "throughput" {
		return fmt.Sprintf("%.4g/s", v)
	}
	return dur(v)
}

// WriteCompareJSON writes comparisons as JSON.
func WriteCompareJSON(w io.Writer, a, b string, cs []Comparison) error {
	out, err := json.MarshalIndent(map[string]any{"a": a, "b": b, "evidence": "simulated", "comparisons": cs}, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(out, '\n'))
	return err
}
