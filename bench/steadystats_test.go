package bench

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestMSER(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	// A transient of 200 high batches, then a stationary level.
	var z []float64
	for i := 0; i < 1000; i++ {
		v := 10 + r.NormFloat64()
		if i < 200 {
			v += 20 * math.Exp(-float64(i)/60)
		}
		z = append(z, v)
	}
	d := mser(z)
	if d < 100 || d > 400 {
		t.Errorf("MSER truncates %d batches, want the transient (≈100–300)", d)
	}
	var flat []float64
	for i := 0; i < 1000; i++ {
		flat = append(flat, 10+r.NormFloat64())
	}
	if d := mser(flat); d > 100 {
		t.Errorf("MSER truncates %d batches of a stationary series", d)
	}
}

func TestBatchSeriesBounded(t *testing.T) {
	var b batchSeries
	for i := 0; i < 5*maxBatches*4; i++ {
		b.add(float64(i % 7))
	}
	if len(b.means) > maxBatches || b.size != 40 { // 1.3M samples: merged three times
		t.Errorf("%d batch means of size %d", len(b.means), b.size)
	}
	var sum float64
	for _, m := range b.means {
		sum += m
	}
	if mean := sum / float64(len(b.means)); math.Abs(mean-3) > 0.01 {
		t.Errorf("mean of batch means %g, want 3", mean)
	}
}

func TestBatchMeansCI(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	// An AR(1) series with mean 5: strongly autocorrelated.
	z := make([]float64, 60000)
	x := 5.0
	for i := range z {
		x = 5 + 0.9*(x-5) + r.NormFloat64()
		z[i] = x
	}
	ci := batchMeansCI(z)
	if ci == nil || ci.Interval[0] > 5 || ci.Interval[1] < 5 || ci.Lag1 > 0.5 {
		t.Errorf("batch-means CI %+v should cover 5 with small lag-1 autocorrelation", ci)
	}
	if batchMeansCI(z[:5]) != nil {
		t.Error("a CI from 5 values")
	}
}

// TestSteadyRunStats: steady runs report the MSER-5 point and, with one
// replication, a batch-means interval around the mean; lifecycle runs
// report neither.
func TestSteadyRunStats(t *testing.T) {
	sc := parse(t, `
name: steady
replications: 1
machine: xeon2s-icx
cpus: 16
designs: [global-mutex]
handlers: [{name: h, preserve: {dist: exp, mean: 2us}}]
sessions: {count: 16, files: [{handler: h, count: 2}]}
workload: {kind: steady, arrival: {kind: closed, think: {dist: exp, mean: 20us}}, mix: {preserve: 1}, duration: 50ms, warmup: 5ms}
`)
	pre := Run(sc, RunConfig{Workers: 2}).Results[0].Ops["preserve"]
	if pre.MSER5TruncateOps == nil || *pre.MSER5TruncateOps > float64(pre.Count)/2 {
		t.Errorf("MSER-5 point %v of %d ops", pre.MSER5TruncateOps, pre.Count)
	}
	ci := pre.BatchMeansCI
	if ci == nil || ci.Interval[0] > pre.Latency.Mean || ci.Interval[1] < pre.Latency.Mean || ci.Batches < 10 {
		t.Errorf("batch-means CI %+v around mean %g", ci, pre.Latency.Mean)
	}
	if pre.Latency.MeanCI95 != nil {
		t.Error("mean_ci95 with one replication (product.md §4: null)")
	}
	life := smallDoc(t).Results[0].Ops["preserve"]
	if life.MSER5TruncateOps != nil || life.BatchMeansCI != nil {
		t.Error("lifecycle runs report steady-state statistics")
	}
}

// TestMSERPrecision: a small spread around a large level must not cancel
// into a spurious truncation (regression).
func TestMSERPrecision(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	z := make([]float64, 1<<16)
	for i := range z {
		z[i] = 1e7 + r.NormFloat64()
	}
	if d := mser(z); d > 1000 {
		t.Errorf("MSER truncates %d of %d stationary batches at level 1e7", d, len(z))
	}
}
