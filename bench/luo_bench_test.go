package bench

import (
	"runtime"
	"testing"
	"time"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/workload"
)

// BenchmarkDefaultRun is `luosim run` on the embedded default scenario
// (vm-fleet: 5 designs × 7 CPU counts × 3 replications), all host CPUs.
func BenchmarkDefaultRun(b *testing.B) {
	sc := workload.Default()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Run(sc, RunConfig{Workers: runtime.NumCPU()})
	}
}

// BenchmarkLifecycle2000x500 is one replication of a lifecycle at the
// kernel selftest's scale, 2 000 sessions × 500 files (1 000 000 files),
// on one design and 64 CPUs.
func BenchmarkLifecycle2000x500(b *testing.B) {
	sc := workload.Default()
	sc.Sessions.Count = 2000
	sc.Sessions.Files = []workload.FileGroup{{Handler: "memfd", Count: 300}, {Handler: "iommufd", Count: 100}, {Handler: "vfio-pci", Count: 100}}
	design, _ := lockmodels.LookupDesign("v3-merged")
	b.ReportAllocs()
	var events uint64
	for i := 0; i < b.N; i++ {
		res := workload.Run(sc, workload.Point{Design: design, CPUs: 64}, 0, &opRecorder{})
		events += res.Events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkSteadyIdeal: a steady closed workload on the ideal machine, the
// queue of engine.md's mutex anchor (8 CPUs, think Exp(10 µs), one lock,
// hold Exp(1 µs)) as a LUO scenario: global-mutex, one session. One op is
// one simulated preserve, so sim-ops/s is simulated operations per wall
// second on one core (a SimPy model of the same queue does about 0.15 M).
func BenchmarkSteadyIdeal(b *testing.B) {
	sc, pt := steadyIdeal(b)
	b.ReportAllocs()
	var ops uint64
	start := time.Now()
	for i := 0; i < b.N; i++ {
		var rec countRecorder
		workload.Run(sc, pt, i, &rec)
		ops += rec.n
	}
	b.ReportMetric(float64(ops)/time.Since(start).Seconds(), "sim-ops/s")
	b.ReportMetric(float64(ops)/float64(b.N), "ops/run")
}

// TestSteadyAllocs: without invariant checks (what users run), a steady
// run allocates in its setup only, never per simulated op.
func TestSteadyAllocs(t *testing.T) {
	saved := lockmodels.CheckAll
	lockmodels.CheckAll = false
	defer func() { lockmodels.CheckAll = saved }()
	sc, pt := steadyIdeal(t)
	var rec countRecorder
	allocs := testing.AllocsPerRun(2, func() {
		rec = countRecorder{}
		workload.Run(sc, pt, 0, &rec)
	})
	if rec.n < 50000 || allocs/float64(rec.n) > 0.01 {
		t.Errorf("%.0f allocations for %d simulated ops: %.4f per op, want setup only (< 0.01)", allocs, rec.n, allocs/float64(rec.n))
	}
}

func steadyIdeal(tb testing.TB) (*workload.Scenario, workload.Point) {
	sc, err := workload.Parse("bench.yaml", []byte(`
name: steady-ideal
machine: ideal
cpus: 8
designs: [global-mutex]
handlers: [{name: h, preserve: {dist: exp, mean: 1us}}]
sessions: {count: 1, files: [{handler: h, count: 4}]}
workload: {kind: steady, arrival: {kind: closed, think: {dist: exp, mean: 10us}}, mix: {preserve: 1}, duration: 100ms, warmup: 1ms}
`))
	if err != nil {
		tb.Fatal(err)
	}
	return sc, workload.Point{Design: sc.Designs[0], CPUs: 8}
}

type countRecorder struct{ n uint64 }

func (c *countRecorder) Record(lockmodels.Op, workload.Sample) { c.n++ }
