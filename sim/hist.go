package sim

import (
	"math"
	"math/bits"
	"slices"
	"sync"
)

// Histogram records non-negative integer values (nanoseconds) in
// log-linear buckets with three significant decimal digits: values below
// 2048 exactly, larger ones in 1024 sub-buckets per power of two, so a
// reported value is within 1/1024 of a recorded one. It covers every int64;
// bands of buckets are allocated the first time a value falls in them, so
// memory is bounded by the range of values seen (8 KiB per power of two),
// never by their number, and recording allocates nothing in steady state.
//
// The first few values are kept as they are, in a small inline buffer, and
// go into buckets only when the buffer overflows: a histogram of a few
// hundred values (one op kind of one short replication) then costs no
// band allocations at all. Every method answers exactly as if the values
// had been bucketed at once.
type Histogram struct {
	bands [histBands]*[histSub]uint64
	count uint64
	sum   float64
	sumSq float64
	min   int64
	max   int64
	dense bool           // values are in bands (else the first count are in raw)
	raw   [histRaw]int64 // the values, in recording order, while !dense
}

const (
	histSubBits = 10
	histSub     = 1 << histSubBits // sub-buckets per band
	histBands   = 64 - histSubBits // band 0: [0, 2048); band b ≥ 1: [2^(b+10), 2^(b+11))

	histRaw = 128 // values kept unbucketed before the first band is allocated

	// HistBands and HistSubBuckets describe the bucket layout (for
	// HdrHistogram-style footers).
	HistBands      = histBands
	HistSubBuckets = histSub
)

// bucket returns the band and sub-bucket of v ≥ 0.
func bucket(v int64) (band, sub int) {
	if v < 2*histSub {
		return int(v >> histSubBits), int(v & (histSub - 1))
	}
	e := bits.Len64(uint64(v)) - histSubBits - 1 // v>>e in [1024, 2047]
	return e + 1, int(v>>e) - histSub
}

// bucketHigh returns the largest value in the bucket (band, sub).
func bucketHigh(band, sub int) int64 {
	if band <= 1 {
		return int64(band<<histSubBits | sub)
	}
	e := band - 1
	return (int64(sub+histSub)+1)<<e - 1
}

// Record adds v (clamped at 0).
func (h *Histogram) Record(v int64) {
	if v < 0 {
		v = 0
	}
	switch {
	case h.dense:
		h.add(v, 1)
	case h.count < histRaw:
		h.raw[h.count] = v
	default:
		h.densify()
		h.add(v, 1)
	}
	h.count++
	h.sum += float64(v)
	h.sumSq += float64(float64(v) * float64(v)) // explicit conversion: no FMA fusion on any GOARCH
	if v > h.max {
		h.max = v
	}
	if v < h.min || h.count == 1 {
		h.min = v
	}
}

// add counts n values in v's bucket.
func (h *Histogram) add(v int64, n uint64) {
	band, sub := bucket(v)
	b := h.bands[band]
	if b == nil {
		b = h.grow(band)
	}
	b[sub] += n
}

// densify moves the buffered values into buckets (off the recording fast
// path).
//
//go:noinline
func (h *Histogram) densify() {
	if h.dense {
		return
	}
	h.dense = true
	for _, v := range h.raw[:h.count] {
		h.add(v, 1)
	}
}

// sortedRaw returns the buffered values in increasing order, in buf.
func (h *Histogram) sortedRaw(buf *[histRaw]int64) []int64 {
	vs := buf[:h.count]
	copy(vs, h.raw[:h.count])
	slices.Sort(vs)
	return vs
}

// grow allocates a band the first time a value falls in it (off the
// recording fast path).
//
//go:noinline
func (h *Histogram) grow(band int) *[histSub]uint64 {
	b := bandPool.Get().(*[histSub]uint64)
	h.bands[band] = b
	return b
}

// bandPool recycles the bands of released histograms: a sweep records
// into thousands of short-lived histograms, and fresh 8 KiB bands for
// each would make the garbage collector the bottleneck. Bands in the
// pool are zero.
var bandPool = sync.Pool{New: func() any { return new([histSub]uint64) }}

// Release empties h and hands its memory to histograms recorded later.
// Nothing may use a copy of h (which shares its bands) afterwards.
func (h *Histogram) Release() {
	for i, b := range h.bands {
		if b != nil {
			clear(b[:])
			bandPool.Put(b)
			h.bands[i] = nil
		}
	}
	*h = Histogram{}
}

// Merge adds every value recorded in o.
func (h *Histogram) Merge(o *Histogram) {
	if o.count == 0 {
		return
	}
	h.densify()
	if !o.dense {
		for _, v := range o.raw[:o.count] {
			h.add(v, 1)
		}
	}
	for i, ob := range o.bands {
		if ob == nil {
			continue
		}
		if h.bands[i] == nil {
			h.bands[i] = new([histSub]uint64)
		}
		for j, c := range ob {
			h.bands[i][j] += c
		}
	}
	if h.count == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.count += o.count
	h.sum += o.sum
	h.sumSq += o.sumSq
}

// Count returns the number of recorded values.
func (h *Histogram) Count() uint64 { return h.count }

// Mean returns the exact mean of the recorded values (NaN if none).
func (h *Histogram) Mean() float64 {
	if h.count == 0 {
		return math.NaN()
	}
	return h.sum / float64(h.count)
}

// StdDev returns the population standard deviation of the recorded values
// (NaN if none).
func (h *Histogram) StdDev() float64 {
	if h.count == 0 {
		return math.NaN()
	}
	m := h.Mean()
	return math.Sqrt(math.Max(0, h.sumSq/float64(h.count)-float64(m*m)))
}

// Max returns the largest recorded value.
func (h *Histogram) Max() int64 { return h.max }

// Min returns the smallest recorded value.
func (h *Histogram) Min() int64 { return h.min }

// Quantile returns the value at or below which a share q of the recorded
// values fall: the upper edge of the bucket holding the ⌈q·n⌉-th smallest
// value, capped at the maximum. NaN if nothing was recorded.
func (h *Histogram) Quantile(q float64) float64 {
	if h.count == 0 {
		return math.NaN()
	}
	rank := uint64(math.Ceil(q * float64(h.count)))
	rank = min(max(rank, 1), h.count)
	if !h.dense {
		// The rank-th smallest value's bucket edge, capped at the max.
		var buf [histRaw]int64
		band, sub := bucket(h.sortedRaw(&buf)[rank-1])
		return float64(min(bucketHigh(band, sub), h.max))
	}
	var seen uint64
	for band, b := range h.bands {
		if b == nil {
			continue
		}
		for sub, c := range b {
			seen += c
			if seen >= rank {
				return float64(min(bucketHigh(band, sub), h.max))
			}
		}
	}
	return float64(h.max)
}

// Quantiles returns Quantile(q) for each of qs, which must be in
// increasing order, in one pass over the buckets.
func (h *Histogram) Quantiles(qs []float64) []float64 {
	out := make([]float64, len(qs))
	if h.count == 0 || !h.dense {
		for i, q := range qs {
			out[i] = h.Quantile(q)
		}
		return out
	}
	i := 0
	rank := func() uint64 {
		r := uint64(math.Ceil(qs[i] * float64(h.count)))
		return min(max(r, 1), h.count)
	}
	var seen uint64
	for band, b := range h.bands {
		if b == nil {
			continue
		}
		for sub, c := range b {
			if c == 0 {
				continue
			}
			seen += c
			for i < len(qs) && seen >= rank() {
				out[i] = float64(min(bucketHigh(band, sub), h.max))
				i++
			}
			if i == len(qs) {
				return out
			}
		}
	}
	for ; i < len(qs); i++ {
		out[i] = float64(h.max)
	}
	return out
}

// Buckets calls f for every non-empty bucket in increasing order with the
// bucket's largest value and its count.
func (h *Histogram) Buckets(f func(high int64, count uint64)) {
	if !h.dense {
		var buf [histRaw]int64
		vs := h.sortedRaw(&buf)
		for i := 0; i < len(vs); {
			band, sub := bucket(vs[i])
			j := i + 1
			for j < len(vs) {
				if b2, s2 := bucket(vs[j]); b2 != band || s2 != sub {
					break
				}
				j++
			}
			f(bucketHigh(band, sub), uint64(j-i))
			i = j
		}
		return
	}
	for band, b := range h.bands {
		if b == nil {
			continue
		}
		for sub, c := range b {
			if c > 0 {
				f(bucketHigh(band, sub), c)
			}
		}
	}
}
