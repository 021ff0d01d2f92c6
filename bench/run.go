package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
	"github.com/luosim/luosim/workload"
)

// RunConfig says how to run a scenario. Zero fields keep the scenario's
// own values.
type RunConfig struct {
	Version string // luosim's version, recorded in the result document
	Workers int    // replications run in parallel (≥ 1)
	// Context, if set, stops the run early when done (an interrupt):
	// RunChecked then returns its error and no document.
	Context context.Context
	// Check runs every item with the model's invariant checks (-check).
	Check bool
}

// Document is the result document of product.md §4: what `luosim run
// -json` prints and results.json holds. It depends only on the binary,
// the scenario and its seed, never on the invocation.
type Document struct {
	Version        string          `json:"luosim_version"`
	Scenario       json.RawMessage `json:"scenario"`
	ScenarioSHA256 string          `json:"scenario_sha256"`
	Seed           uint64          `json:"seed"`
	Evidence       string          `json:"evidence"`
	Percentile     string          `json:"percentile_method"`
	Results        []PointResult   `json:"results"`

	scenarioName string
}

// PercentileMethod names how percentiles are computed.
const PercentileMethod = "value at or below which that share of samples falls (upper edge of a 3-significant-digit log-linear bucket), over all replications' samples"

// PointResult is one design at one CPU count, over its replications.
type PointResult struct {
	Design string `json:"design"`
	CPUs   int    `json:"cpus"`
	// Point names the grid cell without the design ("cpus=16", or
	// "cpus=16/sessions.count=32" with sweep axes); Params holds the
	// value of each sweep axis of the scenario, by path, as a number
	// (durations in ns). Both identify the cell in every output.
	Point        string                    `json:"point"`
	Params       map[string]float64        `json:"params,omitempty"`
	Replications int                       `json:"replications"`
	Ops          map[string]OpResult       `json:"ops"`
	Locks        map[string]LockResult     `json:"locks"`
	Phases       map[string]float64        `json:"phases"`
	Hazards      map[string]int            `json:"hazards"`
	Events       uint64                    `json:"events"`
	CPUOps       *CPUOps                   `json:"cpu_ops"` // null for runs without per-CPU work
	Replicas     []ReplicaResult           `json:"replicas"`
	hists        map[string]*sim.Histogram // merged latency per op, for .hgrm files
}

// CPUOps is how evenly the simulated CPUs shared the work: operations
// completed per CPU, summed over replications.
type CPUOps struct {
	Min  uint64  `json:"min"`
	Max  uint64  `json:"max"`
	Mean float64 `json:"mean"`
	// Fairness is Max/Min, null when some CPU completed nothing.
	Fairness *float64 `json:"fairness_max_min"`
}

// ReplicaResult is what one replication measured, per op.
type ReplicaResult struct {
	Replication int                  `json:"replication"`
	Ops         map[string]ReplicaOp `json:"ops"`
}

// ReplicaOp is one op kind in one replication.
type ReplicaOp struct {
	Count          uint64  `json:"count"`
	MeanNs         float64 `json:"latency_ns_mean"`
	P50Ns          float64 `json:"latency_ns_p50"`
	P99Ns          float64 `json:"latency_ns_p99"`
	WaitMeanNs     float64 `json:"wait_ns_mean"`
	ThroughputPerS float64 `json:"throughput_per_s"`
}

// OpResult summarises one kind of operation.
type OpResult struct {
	Count          uint64  `json:"count"`
	Failed         uint64  `json:"failed"`
	ThroughputPerS float64 `json:"throughput_per_s"`
	Latency        Summary `json:"latency_ns"`
	Wait           Summary `json:"wait_ns"`
	CallbackMean   float64 `json:"callback_ns_mean"`
	// Breakdown splits the mean latency by where the time went.
	Breakdown Breakdown `json:"breakdown_ns_mean"`
	// ThroughputCI95 is the 95% Student-t interval of throughput_per_s
	// over replications; null with one replication.
	ThroughputCI95 *[2]float64 `json:"throughput_ci95"`
	// Spectrum is the latency distribution as [q, ns] pairs, q ascending:
	// q = 0, 0.05, …, 0.95 and 1 − 10^(−k/20) up to the last q the sample
	// count resolves, for percentile-spectrum and CDF plots.
	Spectrum [][2]float64 `json:"latency_spectrum"`
	// Steady runs only: MSER5TruncateOps is how many measured ops (mean
	// over replications) MSER-5 would still discard as warm-up after the
	// configured warmup; near 0 means the warmup sufficed.
	MSER5TruncateOps *float64 `json:"mser5_truncate_ops,omitempty"`
	// BatchMeansCI is the 95% interval of the mean latency from batch
	// means within the run, given for a single long steady replication
	// (mean_ci95 needs several).
	BatchMeansCI *BatchCI `json:"latency_batch_means_ci95,omitempty"`
}

// Breakdown is where an op's mean latency goes, in ns per op. The parts
// sum to the mean latency.
type Breakdown struct {
	Callback float64 `json:"callback"` // handler and FLB callbacks
	// LockWait is queueing for locks: from asking for a lock to getting
	// it, spinning and wake-up included, less the cache-line transfers.
	LockWait float64 `json:"lock_wait"`
	// LockOverhead is the lock primitives' own local atomics (fast path
	// acquire, release) with the line already cached.
	LockOverhead float64 `json:"lock_overhead"`
	// Transfers is fetching shared lines last written by another CPU:
	// lock words, rwsem counts, module refcounts, cmpxchg retries.
	Transfers float64 `json:"cache_line_transfers"`
	// CPUWait is time runnable but queued for a CPU (more threads than
	// simulated CPUs).
	CPUWait float64 `json:"cpu_wait"`
	// Work is the rest: syscall entry, list walks, allocation, KHO and
	// xarray work.
	Work float64 `json:"syscall_and_walks"`
}

// Summary is a latency distribution in nanoseconds.
type Summary struct {
	Mean     float64     `json:"mean"`
	P50      float64     `json:"p50"`
	P90      float64     `json:"p90"`
	P99      float64     `json:"p99"`
	P999     float64     `json:"p999"`
	P9999    float64     `json:"p9999"`
	Max      float64     `json:"max"`
	MeanCI95 *[2]float64 `json:"mean_ci95"`
	// P99CI95 is the 95% Student-t interval over the replications' own
	// p99s (sectioning); null with one replication.
	P99CI95 *[2]float64 `json:"p99_ci95"`
}

// LockResult summarises one lock class. Utilization is the mean share of
// time each lock of the class was held.
type LockResult struct {
	Acquisitions   uint64   `json:"acquisitions"`
	Contended      uint64   `json:"contended"`
	ContendedShare float64  `json:"contended_share"`
	WaitNsMean     float64  `json:"wait_ns_mean"`
	WaitNsP99      float64  `json:"wait_ns_p99"`
	HoldNsMean     float64  `json:"hold_ns_mean"`
	HoldNsP99      float64  `json:"hold_ns_p99"`
	Utilization    float64  `json:"utilization"`
	Transfers      uint64   `json:"cache_line_transfers"`
	Handoffs       Handoffs `json:"handoffs"`
	MaxQueue       int      `json:"max_queue"`
}

// Handoffs counts how a contended lock passed from owner to owner.
type Handoffs struct {
	Spinner uint64 `json:"spinner"` // to a waiter spinning on its CPU (one line transfer)
	Sleeper uint64 `json:"sleeper"` // to a sleeping waiter (a wake-up)
	Stolen  uint64 `json:"stolen"`  // taken by a newcomer while a woken waiter was on its way
}

// Run is RunChecked for callers that treat a broken model as a bug: it
// panics with RunChecked's error.
func Run(sc *workload.Scenario, cfg RunConfig) *Document {
	doc, err := RunChecked(sc, cfg)
	if err != nil {
		panic(err)
	}
	return doc
}

// RunChecked runs every work item of sc (Plan), in parallel across items,
// and combines them. A replication whose model breaks one of its
// invariants fails the run: the error names the first such item in plan
// order and what broke.
func RunChecked(sc *workload.Scenario, cfg RunConfig) (*Document, error) {
	results, err := RunItems(sc, Plan(sc), cfg, nil)
	if err != nil {
		return nil, err
	}
	return Combine(sc, cfg.Version, results)
}

// Combine builds the result document of sc from the results of all its
// items, in plan order.
func Combine(sc *workload.Scenario, version string, results []ItemResult) (*Document, error) {
	plan := Plan(sc)
	if len(results) != len(plan) {
		return nil, fmt.Errorf("combine: %d item results for %d items", len(results), len(plan))
	}
	for i, r := range results {
		it := plan[i]
		if r.Index != it.Index || r.Design != it.Design || r.Point != it.Point || r.Replication != it.Replication {
			return nil, fmt.Errorf("combine: result %d is item %d (%s, %s, replication %d), want item %d (%s, %s, replication %d)",
				i, r.Index, r.Design, r.Point, r.Replication, it.Index, it.Design, it.Point, it.Replication)
		}
	}
	doc := &Document{Version: version, Scenario: sc.CanonicalJSON(), ScenarioSHA256: sc.SHA256(),
		Seed: sc.Seed, Evidence: "simulated", Percentile: PercentileMethod, scenarioName: sc.Name}
	// Points combine independently: in parallel, each into its own slot.
	doc.Results = make([]PointResult, len(plan)/sc.Replications)
	forEach(len(doc.Results), runtime.GOMAXPROCS(0), func(p int) {
		i := p * sc.Replications
		doc.Results[p] = combine(plan[i].pt, results[i:i+sc.Replications])
	})
	return doc, nil
}

// combine merges the replications of one point: percentiles over the
// merged histograms, means with a Student-t interval over replication
// means, throughput and phases as means over replications.
func combine(pt workload.Point, reps []ItemResult) PointResult {
	pr := PointResult{Design: pt.Design.Name, CPUs: pt.CPUs, Point: pt.Key(), Params: params(pt), Replications: len(reps),
		Ops: map[string]OpResult{}, Locks: map[string]LockResult{}, Phases: map[string]float64{}, Hazards: map[string]int{},
		hists: map[string]*sim.Histogram{}}
	byOp := make([][]*ItemOp, lockmodels.NumOps) // per op, per replication that ran it
	for i := range reps {
		r := &reps[i]
		rr := ReplicaResult{Replication: r.Replication, Ops: map[string]ReplicaOp{}}
		for j := range r.Ops {
			o := &r.Ops[j]
			op, ok := lockmodels.ParseOp(o.Op)
			if !ok {
				continue
			}
			byOp[op] = append(byOp[op], o)
			ro := ReplicaOp{Count: o.Latency.Count(), MeanNs: o.Latency.Mean(), P50Ns: o.Latency.Quantile(0.5),
				P99Ns: o.Latency.Quantile(0.99), WaitMeanNs: o.Wait.Mean()}
			if o.WindowNs > 0 {
				ro.ThroughputPerS = float64(o.Latency.Count()) / sim.Time(o.WindowNs).Seconds()
			}
			rr.Ops[o.Op] = ro
		}
		pr.Replicas = append(pr.Replicas, rr)
	}
	for op := lockmodels.Op(0); op < lockmodels.NumOps; op++ {
		var lat, wait sim.Histogram
		var latMeans, waitMeans, latP99s, waitP99s, tputs []float64
		var tput, cb, xfer, lcost, cpuw float64
		var failed uint64
		for _, o := range byOp[op] {
			lat.MergeCompact(&o.Latency)
			wait.MergeCompact(&o.Wait)
			latMeans = append(latMeans, o.Latency.Mean())
			waitMeans = append(waitMeans, o.Wait.Mean())
			latP99s = append(latP99s, o.Latency.Quantile(0.99))
			waitP99s = append(waitP99s, o.Wait.Quantile(0.99))
			if o.WindowNs > 0 {
				x := float64(o.Latency.Count()) / sim.Time(o.WindowNs).Seconds()
				tput += x
				tputs = append(tputs, x)
			}
			cb += float64(o.Callback)
			xfer += float64(o.Transfer)
			lcost += float64(o.LockCost)
			cpuw += float64(o.CPUWait)
			failed += o.Failed
		}
		if lat.Count() == 0 {
			continue
		}
		pr.hists[op.String()] = &lat
		var mserOps *float64
		var batch *BatchCI
		if byOp[op][0].MSER5Ops != nil {
			var sum float64
			for _, o := range byOp[op] {
				if o.MSER5Ops != nil {
					sum += *o.MSER5Ops
				}
			}
			m := sum / float64(len(reps))
			mserOps = &m
			if len(reps) == 1 {
				batch = byOp[op][0].BatchCI
			}
		}
		n := float64(lat.Count())
		pr.Ops[op.String()] = OpResult{MSER5TruncateOps: mserOps, BatchMeansCI: batch, Count: lat.Count(), Failed: failed,
			ThroughputPerS: tput / float64(len(reps)), ThroughputCI95: ci95(tputs),
			Latency: summarize(&lat, latMeans, latP99s), Wait: summarize(&wait, waitMeans, waitP99s),
			CallbackMean: cb / n, Breakdown: breakdown(lat.Mean(), wait.Mean(), cb/n, xfer/n, lcost/n, cpuw/n),
			Spectrum: spectrum(&lat)}
	}
	type acc struct {
		s          lockmodels.Stats
		elapsed    sim.Time // summed over replications, × instances of the class
		wait, hold sim.Histogram
	}
	locks := map[string]*acc{}
	var phases ItemPhases
	for _, r := range reps {
		for _, lc := range r.Locks {
			a := locks[lc.Name]
			if a == nil {
				a = &acc{}
				locks[lc.Name] = a
			}
			a.s.Add(lc.Stats)
			a.elapsed += sim.Time(r.ElapsedNs) * sim.Time(max(lc.Instances, 1))
			if lc.Wait != nil {
				a.wait.MergeCompact(lc.Wait)
			}
			if lc.Hold != nil {
				a.hold.MergeCompact(lc.Hold)
			}
		}
		phases.Preserve += r.Phases.Preserve
		phases.Blackout += r.Phases.Blackout
		phases.Restore += r.Phases.Restore
		pr.Hazards["unload_blocked"] += r.Blocked
		pr.Hazards["unload_hazards"] += r.Hazards
		pr.Events += r.Events
	}
	for name, a := range locks {
		lr := LockResult{Acquisitions: a.s.Acquisitions, Contended: a.s.Contended,
			WaitNsMean: meanOr(&a.wait, a.s.MeanWait()), HoldNsMean: meanOr(&a.hold, a.s.MeanHold()),
			Utilization: a.s.Utilization(a.elapsed),
			Transfers:   a.s.Transfers, MaxQueue: a.s.MaxQueue,
			WaitNsP99: zeroIfNaN(a.wait.Quantile(0.99)), HoldNsP99: zeroIfNaN(a.hold.Quantile(0.99)),
			Handoffs: Handoffs{Spinner: a.s.HandoffSpinner, Sleeper: a.s.HandoffSleeper, Stolen: a.s.Stolen}}
		if a.s.Acquisitions > 0 {
			lr.ContendedShare = float64(a.s.Contended) / float64(a.s.Acquisitions)
		}
		pr.Locks[name] = lr
	}
	pr.CPUOps = cpuOps(pt.CPUs, reps)
	n := float64(len(reps))
	pr.Phases["preserve_ns"] = float64(phases.Preserve) / n
	pr.Phases["blackout_ns"] = float64(phases.Blackout) / n
	pr.Phases["restore_ns"] = float64(phases.Restore) / n
	return pr
}

// breakdown splits a mean latency: the wait is lock queueing plus line
// transfers; the work is what is left.
func breakdown(lat, wait, cb, xfer, lockCost, cpuWait float64) Breakdown {
	b := Breakdown{Callback: cb, LockWait: max(wait-xfer, 0), LockOverhead: lockCost, Transfers: xfer, CPUWait: cpuWait}
	b.Work = max(lat-b.Callback-b.LockWait-b.LockOverhead-b.Transfers-b.CPUWait, 0)
	return b
}

// meanOr is the mean of h, or fallback when h is empty: lock means and
// p99s describe the same samples (every acquisition's wait, every hold).
func meanOr(h *sim.Histogram, fallback float64) float64 {
	if h.Count() == 0 {
		return fallback
	}
	return h.Mean()
}

func zeroIfNaN(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

// cpuOps sums the operations each of the point's CPUs completed.
func cpuOps(cpus int, reps []ItemResult) *CPUOps {
	per := make([]uint64, cpus)
	for _, r := range reps {
		for c, n := range r.PerCPU {
			if c < cpus {
				per[c] += n
			}
		}
	}
	c := &CPUOps{Min: per[0], Max: per[0]}
	var sum uint64
	for _, n := range per {
		c.Min, c.Max = min(c.Min, n), max(c.Max, n)
		sum += n
	}
	if sum == 0 {
		return nil
	}
	c.Mean = float64(sum) / float64(cpus)
	if c.Min > 0 {
		f := float64(c.Max) / float64(c.Min)
		c.Fairness = &f
	}
	return c
}

// summarize describes a pooled histogram. Its mean is the mean of the
// replication means (the centre of mean_ci95, product.md §4); percentiles
// are over all replications' samples.
func summarize(h *sim.Histogram, means, p99s []float64) Summary {
	m, _ := meanCI(means)
	s := Summary{Mean: m, P50: h.Quantile(0.5), P90: h.Quantile(0.9), P99: h.Quantile(0.99),
		P999: h.Quantile(0.999), P9999: h.Quantile(0.9999), Max: float64(h.Max())}
	s.MeanCI95 = ci95(means)
	s.P99CI95 = ci95(p99s)
	return s
}

// ci95 is the 95% Student-t interval of the mean of xs; nil (JSON null)
// with fewer than two values.
func ci95(xs []float64) *[2]float64 {
	if len(xs) < 2 {
		return nil
	}
	m, half := meanCI(xs)
	return &[2]float64{m - half, m + half}
}

// WriteJSON writes doc as indented JSON.
func WriteJSON(w io.Writer, doc *Document) error {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteTable prints the summary table: one row per design and CPU count,
// with the safety columns that make a fast but unsafe design visible.
func WriteTable(w io.Writer, doc *Document) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	sweep := false
	for _, r := range doc.Results {
		sweep = sweep || len(r.Params) > 0
	}
	where := "cpus"
	if sweep {
		where = "point"
	}
	fmt.Fprintf(tw, "design\t%s\tpreserve p50\tp99\tretrieve p50\tp99\tblackout\tunload-blocked\tunload-hazards\t\n", where)
	for _, r := range doc.Results {
		pre, ret := r.Ops["preserve"], r.Ops["retrieve"]
		haz := fmt.Sprint(r.Hazards["unload_hazards"])
		if r.Hazards["unload_hazards"] > 0 {
			haz += " UNSAFE"
		}
		at := fmt.Sprint(r.CPUs)
		if sweep {
			at = r.Point
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t\n", r.Design, at,
			dur(pre.Latency.P50), dur(pre.Latency.P99), dur(ret.Latency.P50), dur(ret.Latency.P99),
			dur(r.Phases["blackout_ns"]), r.Hazards["unload_blocked"], haz)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "all times simulated; hazards and blocked unloads are totals over replications")
	return err
}

// dur formats nanoseconds with three significant digits ("412µs").
func dur(ns float64) string {
	if ns == 0 || math.IsNaN(ns) {
		return "-"
	}
	units := []struct {
		div  float64
		name string
	}{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}, {1, "ns"}}
	for _, u := range units {
		if ns >= u.div {
			v := ns / u.div
			s := fmt.Sprintf("%.3g", v)
			if strings.Contains(s, "e") {
				s = fmt.Sprintf("%.0f", v)
			}
			return s + u.name
		}
	}
	return fmt.Sprintf("%.3gns", ns)
}

// spectrum samples h's quantiles on a grid dense enough for a CDF (steps
// of 5%) and for a percentile spectrum (20 points per decade of 1/(1−q)),
// up to the last quantile that n samples resolve (1/(1−q) ≤ n).
func spectrum(h *sim.Histogram) [][2]float64 {
	n := float64(h.Count())
	var qs []float64
	for k := 0; k < 20; k++ {
		qs = append(qs, float64(k)/20)
	}
	for k := 27; ; k++ { // 1 − 10^(−27/20) ≈ 0.955, the first past 0.95
		inv := math.Pow(10, float64(k)/20)
		if inv > n || k > 140 {
			break
		}
		qs = append(qs, 1-1/inv)
	}
	out := make([][2]float64, 0, len(qs))
	for i, v := range h.Quantiles(qs) {
		out = append(out, [2]float64{qs[i], v})
	}
	return out
}
