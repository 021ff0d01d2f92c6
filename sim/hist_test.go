package sim

import (
	"math"
	"math/rand/v2"
	"reflect"
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

// TestHistogramBufferedIsBucketed: while its values sit in the small
// buffer, a histogram answers exactly as the bucketed one would, and
// merging or overflowing the buffer gives the same state.
func TestHistogramBufferedIsBucketed(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 50, histRaw - 1, histRaw, histRaw + 1, 3 * histRaw} {
		var buffered, bucketed Histogram
		bucketed.densify()
		for i := 0; i < n; i++ {
			v := int64(r.ExpFloat64() * 3000)
			if i%7 == 0 {
				v = 2047 // a bucket edge, repeated
			}
			buffered.Record(v)
			bucketed.Record(v)
		}
		if n < histRaw && buffered.dense {
			t.Fatalf("n=%d: bucketed before the buffer filled", n)
		}
		for q := 0.0; q <= 1; q += 0.01 {
			if a, b := buffered.Quantile(q), bucketed.Quantile(q); a != b {
				t.Fatalf("n=%d q=%g: buffered %g, bucketed %g", n, q, a, b)
			}
		}
		ca, cb := buffered.Compact(), bucketed.Compact()
		if !reflect.DeepEqual(ca, cb) {
			t.Fatalf("n=%d: compact forms differ:\n%+v\n%+v", n, ca, cb)
		}
		var ba, bb []int64
		buffered.Buckets(func(high int64, c uint64) { ba = append(ba, high, int64(c)) })
		bucketed.Buckets(func(high int64, c uint64) { bb = append(bb, high, int64(c)) })
		if !slices.Equal(ba, bb) {
			t.Fatalf("n=%d: Buckets differ", n)
		}
		var m1, m2 Histogram
		m1.Merge(&buffered)
		m2.Merge(&bucketed)
		if c1, c2 := m1.Compact(), m2.Compact(); !reflect.DeepEqual(c1, c2) {
			t.Fatalf("n=%d: merges differ", n)
		}
	}
}

// TestHistogramRelease: a released histogram is empty, and the next one
// to reuse its memory starts from zero.
func TestHistogramRelease(t *testing.T) {
	var h Histogram
	for v := int64(0); v < 100000; v += 7 {
		h.Record(v)
	}
	h.Release()
	if h.Count() != 0 || h.dense {
		t.Fatal("a released histogram is not empty")
	}
	var g Histogram // recycles h's bands
	want := map[uint64]uint64{}
	for v := int64(0); v < 100000; v += 13 {
		g.Record(v)
		band, sub := bucket(v)
		want[uint64(band*histSub+sub)]++
	}
	c := g.Compact()
	if len(c.Buckets) != len(want) {
		t.Fatalf("%d buckets, want %d", len(c.Buckets), len(want))
	}
	for _, b := range c.Buckets {
		if want[b[0]] != b[1] {
			t.Fatalf("bucket %d holds %d, want %d: recycled memory was not clean", b[0], b[1], want[b[0]])
		}
	}
}

// TestQuantiles: the one-pass form agrees with Quantile everywhere.
func TestQuantiles(t *testing.T) {
	for _, n := range []int{1, 10, histRaw + 5, 10000} {
		var h Histogram
		r := rand.New(rand.NewPCG(9, uint64(n)))
		for i := 0; i < n; i++ {
			h.Record(int64(r.ExpFloat64() * 1e4))
		}
		var qs []float64
		for q := 0.0; q <= 1; q += 0.0125 {
			qs = append(qs, q)
		}
		qs = append(qs, 0.999, 0.9999, 1)
		slices.Sort(qs)
		for i, v := range h.Quantiles(qs) {
			if v != h.Quantile(qs[i]) {
				t.Fatalf("n=%d q=%g: Quantiles %g, Quantile %g", n, qs[i], v, h.Quantile(qs[i]))
			}
		}
	}
}
