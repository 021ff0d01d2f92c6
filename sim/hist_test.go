package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestHistogramBuckets(t *testing.T) {
	// Every value maps to a bucket whose upper edge is ≥ the value and
	// within 1/1024 of it, and buckets are ordered.
	for _, v := range []int64{0, 1, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 123456789, 1 << 40, math.MaxInt64 / 3, math.MaxInt64} {
		band, sub := bucket(v)
		hi := bucketHigh(band, sub)
		if hi < v || float64(hi-v) > float64(v)/1024+1 {
			t.Errorf("value %d: bucket (%d,%d) upper edge %d", v, band, sub, hi)
		}
		if v > 0 {
			pb, ps := bucket(v - 1)
			if pb > band || (pb == band && ps > sub) {
				t.Errorf("buckets out of order at %d", v)
			}
		}
	}
}

func TestHistogramQuantiles(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	var h Histogram
	xs := make([]int64, 100_000)
	for i := range xs {
		xs[i] = int64(r.ExpFloat64() * 1e6)
		h.Record(xs[i])
	}
	slices.Sort(xs)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 0.9999, 1} {
		// Exact: the ⌈qn⌉-th smallest sample.
		want := float64(xs[int(math.Ceil(q*float64(len(xs))))-1])
		got := h.Quantile(q)
		if got < want || got > want*(1+1.0/1024)+1 {
			t.Errorf("q=%g: %g, exact %g", q, got, want)
		}
	}
	if h.Quantile(1) != float64(h.Max()) || h.Count() != uint64(len(xs)) {
		t.Errorf("max/count wrong")
	}
	var sum float64
	for _, x := range xs {
		sum += float64(x)
	}
	if math.Abs(h.Mean()-sum/float64(len(xs))) > 1e-6*sum/float64(len(xs)) {
		t.Errorf("mean %g, want %g", h.Mean(), sum/float64(len(xs)))
	}
}

func TestHistogramMerge(t *testing.T) {
	var a, b, all Histogram
	for i := int64(0); i < 5000; i++ {
		v := i * i
		all.Record(v)
		if i%2 == 0 {
			a.Record(v)
		} else {
			b.Record(v)
		}
	}
	a.Merge(&b)
	for _, q := range []float64{0.1, 0.5, 0.99} {
		if a.Quantile(q) != all.Quantile(q) {
			t.Errorf("q=%g: merged %g, direct %g", q, a.Quantile(q), all.Quantile(q))
		}
	}
	if a.Count() != all.Count() || a.Max() != all.Max() || a.Min() != all.Min() || a.Mean() != all.Mean() {
		t.Error("merged summary differs")
	}
}

func TestHistogramRecordAllocs(t *testing.T) {
	var h Histogram
	h.Record(12345)
	if n := testing.AllocsPerRun(1000, func() { h.Record(12000) }); n != 0 {
		t.Errorf("Record allocates %v times", n)
	}
}

func TestHistogramStdDev(t *testing.T) {
	var h Histogram
	for _, v := range []int64{6400009584, 6400009584, 6400009584} {
		h.Record(v)
	}
	if sd := h.StdDev(); sd > 1e-3*6400009584*1e-6 {
		t.Errorf("identical values have sd %g", sd)
	}
	var g Histogram
	for _, v := range []int64{2, 4, 4, 4, 5, 5, 7, 9} {
		g.Record(v)
	}
	if sd := g.StdDev(); math.Abs(sd-2) > 1e-12 {
		t.Errorf("sd %g, want 2", sd)
	}
}
