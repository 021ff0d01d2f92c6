package sim

import (
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
	} {
		var h Histogram
		err := json.Unmarshal([]byte(tc.in), &h)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}
