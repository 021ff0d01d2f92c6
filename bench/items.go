package bench

import (
	"fmt"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
	"github.com/luosim/luosim/workload"
)

// ItemResult is everything one work item (a design at a point, one
// replication) measured, in a form that round-trips exactly through JSON:
// the result document is a function of the scenario and its items'
// results alone, however the items were split across runs and machines.
type ItemResult struct {
	Index       int        `json:"index"`
	Design      string     `json:"design"`
	Point       string     `json:"point"`
	Replication int        `json:"replication"`
	Ops         []ItemOp   `json:"ops"` // the ops the item ran, in op order
	PerCPU      []uint64   `json:"per_cpu_ops"`
	ElapsedNs   int64      `json:"elapsed_ns"`
	Phases      ItemPhases `json:"phases_ns"`
	Blocked     int        `json:"unload_blocked"`
	Hazards     int        `json:"unload_hazards"`
	Events      uint64     `json:"events"`
	Locks       []ItemLock `json:"locks"`
}

// ItemPhases are a lifecycle run's phase spans in ns.
type ItemPhases struct {
	Preserve int64 `json:"preserve"`
	Blackout int64 `json:"blackout"`
	Restore  int64 `json:"restore"`
}

// ItemOp is one op kind in one item.
type ItemOp struct {
	Op       string      `json:"op"`
	WindowNs int64       `json:"window_ns"` // span its throughput is counted over
	Latency  sim.Compact `json:"latency_ns"`
	Wait     sim.Compact `json:"wait_ns"`
	Failed   uint64      `json:"failed"`
	// Sums over the op's samples, in ns.
	Callback int64 `json:"callback_ns"`
	Transfer int64 `json:"transfer_ns"`
	LockCost int64 `json:"lock_cost_ns"`
	CPUWait  int64 `json:"cpu_wait_ns"`
	// Steady runs: MSER-5's truncation in ops, and the batch-means
	// interval of the mean latency.
	MSER5Ops *float64 `json:"mser5_truncate_ops,omitempty"`
	BatchCI  *BatchCI `json:"batch_means_ci95,omitempty"`
}

// ItemLock is one lock class in one item.
type ItemLock struct {
	Name      string           `json:"name"`
	Instances int              `json:"instances"`
	Stats     lockmodels.Stats `json:"stats"`
	Wait      *sim.Compact     `json:"wait_ns,omitempty"`
	Hold      *sim.Compact     `json:"hold_ns,omitempty"`
}

// opRecorder collects one replication's operations.
type opRecorder struct {
	lat, wait [lockmodels.NumOps]sim.Histogram
	sums      [lockmodels.NumOps]struct{ cb, transfer, lockCost, cpuWait int64 }
	failed    [lockmodels.NumOps]uint64
	perCPU    []uint64 // ops completed per CPU
	steady    bool
	series    [lockmodels.NumOps]batchSeries // steady runs: latency batch means in completion order
}

func (r *opRecorder) Record(op lockmodels.Op, s workload.Sample) {
	r.lat[op].Record(int64(s.Latency))
	r.wait[op].Record(int64(s.Wait))
	sum := &r.sums[op]
	sum.cb += int64(s.Callback)
	sum.transfer += int64(s.Transfer)
	sum.lockCost += int64(s.LockCost)
	sum.cpuWait += int64(s.CPUWait)
	if s.Failed {
		r.failed[op]++
	}
	if r.steady {
		r.series[op].add(float64(s.Latency))
	}
	if s.CPU >= 0 {
		for len(r.perCPU) <= s.CPU {
			r.perCPU = append(r.perCPU, 0)
		}
		r.perCPU[s.CPU]++
	}
}

// RunItem simulates one work item of sc (cfg.Check: with invariant
// checks). A model that breaks one of its invariants (it panics) is an
// error naming the item and what broke.
func RunItem(sc *workload.Scenario, it Item, cfg RunConfig) (res ItemResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("item %d (design %s, %s, replication %d): %v", it.Index, it.Design, it.Point, it.Replication, r)
		}
	}()
	rec := &opRecorder{steady: sc.Workload.Kind == workload.Steady}
	r := workload.RunWith(sc, it.pt, it.Replication, rec, workload.Options{Check: cfg.Check})
	res = ItemResult{Index: it.Index, Design: it.Design, Point: it.Point, Replication: it.Replication,
		PerCPU: rec.perCPU, ElapsedNs: int64(r.Elapsed), Blocked: r.Blocked, Hazards: r.Hazards, Events: r.Events,
		Phases: ItemPhases{int64(r.Phases.Preserve), int64(r.Phases.Blackout), int64(r.Phases.Restore)}}
	if res.PerCPU == nil {
		res.PerCPU = []uint64{}
	}
	for op := lockmodels.Op(0); op < lockmodels.NumOps; op++ {
		if rec.lat[op].Count() == 0 {
			continue
		}
		s := rec.sums[op]
		io := ItemOp{Op: op.String(), WindowNs: int64(r.OpWindow[op]), Latency: rec.lat[op].Compact(), Wait: rec.wait[op].Compact(),
			Failed: rec.failed[op], Callback: s.cb, Transfer: s.transfer, LockCost: s.lockCost, CPUWait: s.cpuWait}
		if rec.steady {
			bs := &rec.series[op]
			m := float64(mser(bs.means) * bs.size)
			io.MSER5Ops = &m
			io.BatchCI = batchMeansCI(bs.means)
		}
		res.Ops = append(res.Ops, io)
	}
	for _, lc := range r.Locks {
		il := ItemLock{Name: lc.Name, Instances: lc.Instances, Stats: lc.Stats}
		if lc.Dist != nil {
			w, h := lc.Dist.Wait.Compact(), lc.Dist.Hold.Compact()
			il.Wait, il.Hold = &w, &h
		}
		res.Locks = append(res.Locks, il)
	}
	// Everything is in compact form now: recycle the histograms' memory.
	for op := range rec.lat {
		rec.lat[op].Release()
		rec.wait[op].Release()
	}
	for _, lc := range r.Locks {
		if lc.Dist != nil {
			lc.Dist.Wait.Release()
			lc.Dist.Hold.Release()
		}
	}
	return res, nil
}

// RunItems runs the given items of sc in parallel on cfg.Workers and
// returns their results in the order given. done, if not nil, is called
// after each item completes, in completion order, from one goroutine at a
// time. On an interrupt (cfg.Context done) the items already complete are
// returned with the context's error; on a broken model, the error of the
// first such item in the order given.
func RunItems(sc *workload.Scenario, items []Item, cfg RunConfig, done func(ItemResult)) ([]ItemResult, error) {
	out := make([]ItemResult, len(items))
	errs := make([]error, len(items))
	ok := make([]bool, len(items))
	var stop <-chan struct{}
	if cfg.Context != nil {
		stop = cfg.Context.Done()
	}
	// Buffered for every item: a slow done (a checkpoint being saved)
	// never holds up the workers.
	results := make(chan int, len(items))
	finished := make(chan struct{})
	go func() {
		for i := range results {
			if done != nil {
				done(out[i])
			}
		}
		close(finished)
	}()
	forEachUntil(stop, len(items), max(cfg.Workers, 1), func(i int) {
		out[i], errs[i] = RunItem(sc, items[i], cfg)
		if errs[i] == nil {
			ok[i] = true
			results <- i
		}
	})
	close(results)
	<-finished
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if cfg.Context != nil && cfg.Context.Err() != nil {
		var partial []ItemResult
		for i, r := range out {
			if ok[i] {
				partial = append(partial, r)
			}
		}
		return partial, cfg.Context.Err()
	}
	return out, nil
}
