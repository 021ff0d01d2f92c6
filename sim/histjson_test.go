package sim

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestHistogramJSONRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 7, 10000} {
		var h Histogram
		r := rand.New(rand.NewPCG(1, uint64(n)))
		for i := 0; i < n; i++ {
			h.Record(int64(r.ExpFloat64() * 1e6))
		}
		b, err := json.Marshal(&h)
		if err != nil {
			t.Fatal(err)
		}
		var g Histogram
		if err := json.Unmarshal(b, &g); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		b2, _ := json.Marshal(&g)
		if string(b) != string(b2) {
			t.Fatalf("n=%d: re-encoding differs", n)
		}
		if g.Count() != h.Count() || g.Min() != h.Min() || g.Max() != h.Max() {
			t.Fatalf("n=%d: count/min/max differ", n)
		}
		for _, q := range []float64{0.1, 0.5, 0.99, 0.9999} {
			if n > 0 && g.Quantile(q) != h.Quantile(q) {
				t.Fatalf("n=%d q=%g: %g vs %g", n, q, g.Quantile(q), h.Quantile(q))
			}
		}
		if n > 0 && (g.Mean() != h.Mean() || g.StdDev() != h.StdDev()) {
			t.Fatalf("n=%d: moments differ", n)
		}
	}
}

func TestHistogramJSONRejects(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"count":1,"sum":5,"sum_sq":25,"min":5,"max":5,"buckets":[[5,2]]}`, "buckets hold 2 values"},
		{`{"count":1,"sum":5,"sum_sq":25,"min":5,"max":5,"buckets":[[99999999,1]]}`, "out of range"},
		{`{"count":2,"sum":5,"sum_sq":25,"min":5,"max":6,"buckets":[[6,1],[5,1]]}`, "out of order"},
		{`{"count":1,"sum":5,"sum_sq":25,"min":5,"max":5,"buckets":[[5,0]]}`, "empty"},
		{`{"count":1,"sum":-5,"sum_sq":25,"min":5,"max":5,"buckets":[[5,1]]}`, "non-negative"},
		{`{"count":1,"sum":5,"sum_sq":25,"min":4,"max":5,"buckets":[[5,1]]}`, "min 4 is not in the first bucket"},
		{`{"count":1,"sum":5,"sum_sq":25,"min":5,"max":9,"buckets":[[5,1]]}`, "max 9 is not in the last bucket"},
		{`{"count":1,"sum":5,"sum_sq":25,"min":6,"max":5,"buckets":[[5,1]]}`, "out of order"},
		{`{"count":0,"sum":0,"sum_sq":0,"min":0,"max":0,"buckets":[[5,1]]}`, "empty but"},
		{`{"count":1,"bogus":1}`, "unknown field"},
		{`[1,2]`, "histogram:"},
		{`{"count":1,"sum":0,"sum_sq":0,"min":704,"max":704,"buckets":[[704,1]]}`, "impossible"},
		{`{"count":2,"sum":1e308,"sum_sq":1e308,"min":5,"max":6,"buckets":[[5,1],[6,1]]}`, "impossible"},
		{`{"count":2,"sum":11,"sum_sq":1,"min":5,"max":6,"buckets":[[5,1],[6,1]]}`, "impossible"},
	} {
		var h Histogram
		err := json.Unmarshal([]byte(tc.in), &h)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

// FuzzHistogramJSON: decoding never panics, and an accepted histogram
// encodes back to bytes that decode to the same histogram.
func FuzzHistogramJSON(f *testing.F) {
	var h Histogram
	for _, v := range []int64{0, 1, 2047, 2048, 5000, 1 << 40} {
		h.Record(v)
	}
	b, _ := json.Marshal(&h)
	f.Add(b)
	f.Add([]byte(`{"count":0,"sum":0,"sum_sq":0,"min":0,"max":0,"buckets":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var g Histogram
		if err := json.Unmarshal(data, &g); err != nil {
			return
		}
		b1, err := json.Marshal(&g)
		if err != nil {
			t.Fatal(err)
		}
		var g2 Histogram
		if err := json.Unmarshal(b1, &g2); err != nil {
			t.Fatalf("re-decoding %s: %v", b1, err)
		}
		b2, _ := json.Marshal(&g2)
		if !bytes.Equal(b1, b2) {
			t.Fatal("unstable encoding")
		}
		if g.Count() > 0 {
			q := g.Quantile(0.5)
			if q < float64(g.Min()) || q > float64(g.Max()) {
				t.Fatalf("median %g outside [%d, %d]", q, g.Min(), g.Max())
			}
		}
	})
}

// TestCompact: the compact form answers like the histogram and merges
// like it, in a fraction of the memory.
func TestCompact(t *testing.T) {
	var h, merged, viaCompact Histogram
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 5000; i++ {
		h.Record(int64(r.ExpFloat64() * 1e5))
	}
	merged.Record(7)
	viaCompact.Record(7)
	c := h.Compact()
	for _, q := range []float64{0, 0.01, 0.5, 0.9, 0.999, 1} {
		if c.Quantile(q) != h.Quantile(q) {
			t.Errorf("q=%g: compact %g, histogram %g", q, c.Quantile(q), h.Quantile(q))
		}
	}
	if c.Count() != h.Count() || c.Mean() != h.Mean() {
		t.Errorf("count/mean differ")
	}
	merged.Merge(&h)
	viaCompact.MergeCompact(&c)
	b1, _ := json.Marshal(&merged)
	b2, _ := json.Marshal(&viaCompact)
	if !bytes.Equal(b1, b2) {
		t.Error("MergeCompact differs from Merge")
	}
	if size := 16 * len(c.Buckets); size > 64<<10 {
		t.Errorf("compact form of 5000 values takes %d bytes", size)
	}
}
