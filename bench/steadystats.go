package bench

import (
	"math"

	"github.com/montanaflynn/stats"
)

// batchSeries keeps the means of consecutive batches of an op's
// latencies, in completion order, for warm-up detection and batch-means
// intervals. Batches start at 5 samples (MSER-5); when the series reaches
// maxBatches, neighbours are merged and the batch size doubles, so memory
// stays bounded whatever the run length.
type batchSeries struct {
	size  int       // samples per batch
	means []float64 // completed batch means
	sum   float64   // the batch being filled
	n     int
}

const maxBatches = 1 << 16

func (b *batchSeries) add(x float64) {
	if b.size == 0 {
		b.size = 5
	}
	b.sum += x
	b.n++
	if b.n < b.size {
		return
	}
	b.means = append(b.means, b.sum/float64(b.n))
	b.sum, b.n = 0, 0
	if len(b.means) == maxBatches {
		for i := 0; i < maxBatches/2; i++ {
			b.means[i] = (b.means[2*i] + b.means[2*i+1]) / 2
		}
		b.means = b.means[:maxBatches/2]
		b.size *= 2
	}
}

// mser returns the MSER truncation point of batch means z: the number d of
// leading batches minimising (1/(m−d)²)·Σ_{j>d}(z_j − z̄_d)², for d up to
// m/2 (White 1997; with batches of 5, Spratt's MSER-5; cost-model.md §7).
func mser(z []float64) int {
	m := len(z)
	if m < 4 {
		return 0
	}
	// Suffix sums make every d O(1); they are taken about the last
	// value, so that a small spread around a large level does not cancel.
	ref := z[m-1]
	s1 := make([]float64, m+1)
	s2 := make([]float64, m+1)
	for j := m - 1; j >= 0; j-- {
		x := z[j] - ref
		s1[j] = s1[j+1] + x
		s2[j] = s2[j+1] + float64(x*x)
	}
	best, bestD := math.Inf(1), 0
	for d := 0; d <= m/2; d++ {
		n := float64(m - d)
		ss := s2[d] - s1[d]*s1[d]/n
		if v := ss / (n * n); v < best {
			best, bestD = v, d
		}
	}
	return bestD
}

// BatchCI is a confidence interval from one long run by batch means.
type BatchCI struct {
	Interval  [2]float64 `json:"interval"`
	Batches   int        `json:"batches"`
	Truncated int        `json:"truncated_batches"` // leading MSER batches left out
	Lag1      float64    `json:"lag1_autocorrelation"`
	// Correlated is true when even 10 batches kept a lag-1
	// autocorrelation above 0.2: the interval is then too narrow.
	Correlated bool `json:"correlated"`
}

// batchMeansCI drops the MSER warm-up from z, groups the rest into 30
// batches (then 20, then 10, while the lag-1 autocorrelation of the batch
// means exceeds 0.2) and returns the 95% Student-t interval of their mean
// (Schmeiser 1982; cost-model.md §7). It returns nil when z is too short.
func batchMeansCI(z []float64) *BatchCI {
	cut := mser(z)
	z = z[cut:]
	var last *BatchCI
	for _, k := range []int{30, 20, 10} {
		per := len(z) / k
		if per < 1 {
			continue
		}
		xs := make([]float64, k)
		for i := range xs {
			var s float64
			for _, v := range z[i*per : (i+1)*per] {
				s += v
			}
			xs[i] = s / float64(per)
		}
		lag1, err := stats.AutoCorrelation(xs, 1)
		if err != nil {
			return nil
		}
		m, half := meanCI(xs)
		last = &BatchCI{Interval: [2]float64{m - half, m + half}, Batches: k, Truncated: cut, Lag1: lag1}
		if lag1 <= 0.2 {
			return last
		}
	}
	if last != nil {
		last.Correlated = true
	}
	return last
}
