package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// Compact is a histogram's exact state with only its non-empty buckets:
// bytes per non-empty bucket instead of 8 KiB per power of two, for
// keeping thousands of histograms (one per work item and op) in memory
// and in files. Its JSON form is a Histogram's.
type Compact struct {
	N       uint64      `json:"count"`
	Sum     float64     `json:"sum"`
	SumSq   float64     `json:"sum_sq"`
	MinV    int64       `json:"min"`
	MaxV    int64       `json:"max"`
	Buckets [][2]uint64 `json:"buckets"` // [index, count], index = band·1024 + sub, ascending
}

// Compact returns h's state in compact form.
func (h *Histogram) Compact() Compact {
	c := Compact{N: h.count, Sum: h.sum, SumSq: h.sumSq, MinV: h.min, MaxV: h.max, Buckets: [][2]uint64{}}
	if !h.dense {
		h.Buckets(func(high int64, n uint64) {
			band, sub := bucket(high)
			c.Buckets = append(c.Buckets, [2]uint64{uint64(band*histSub + sub), n})
		})
		return c
	}
	for band, b := range h.bands {
		if b == nil {
			continue
		}
		for sub, n := range b {
			if n > 0 {
				c.Buckets = append(c.Buckets, [2]uint64{uint64(band*histSub + sub), n})
			}
		}
	}
	return c
}

// Count returns the number of recorded values.
func (c *Compact) Count() uint64 { return c.N }

// Mean returns the exact mean of the recorded values (NaN if none).
func (c *Compact) Mean() float64 {
	if c.N == 0 {
		return math.NaN()
	}
	return c.Sum / float64(c.N)
}

// Quantile is Histogram.Quantile.
func (c *Compact) Quantile(q float64) float64 {
	if c.N == 0 {
		return math.NaN()
	}
	rank := uint64(math.Ceil(q * float64(c.N)))
	rank = min(max(rank, 1), c.N)
	var seen uint64
	for _, b := range c.Buckets {
		seen += b[1]
		if seen >= rank {
			return float64(min(bucketHigh(int(b[0]/histSub), int(b[0]%histSub)), c.MaxV))
		}
	}
	return float64(c.MaxV)
}

// MergeCompact adds every value recorded in c (as Merge does).
func (h *Histogram) MergeCompact(c *Compact) {
	if c.N == 0 {
		return
	}
	h.densify()
	for _, b := range c.Buckets {
		band, sub := int(b[0]/histSub), int(b[0]%histSub)
		if h.bands[band] == nil {
			h.bands[band] = new([histSub]uint64)
		}
		h.bands[band][sub] += b[1]
	}
	if h.count == 0 || c.MinV < h.min {
		h.min = c.MinV
	}
	h.max = max(h.max, c.MaxV)
	h.count += c.N
	h.sum += c.Sum
	h.sumSq += c.SumSq
}

// MarshalJSON encodes h exactly, as its Compact form: unmarshalling gives
// a histogram with the same quantiles, mean, deviation, extremes and
// merge behaviour.
func (h *Histogram) MarshalJSON() ([]byte, error) { return json.Marshal(h.Compact()) }

// UnmarshalJSON decodes what MarshalJSON wrote, refusing any state a
// histogram cannot be in (see Compact.UnmarshalJSON).
func (h *Histogram) UnmarshalJSON(data []byte) error {
	var c Compact
	if err := c.UnmarshalJSON(data); err != nil {
		return err
	}
	*h = Histogram{}
	h.MergeCompact(&c)
	return nil
}

// UnmarshalJSON decodes a histogram's JSON form, refusing unknown fields
// and any state a histogram cannot be in: buckets out of range, out of
// order or empty, counts that do not add up, extremes outside their
// buckets, or sums that are negative or not finite.
func (c *Compact) UnmarshalJSON(data []byte) error {
	type plain Compact // without this method
	var w plain
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("histogram: %w", err)
	}
	if err := Compact(w).check(); err != nil {
		return err
	}
	*c = Compact(w)
	if c.Buckets == nil {
		c.Buckets = [][2]uint64{}
	}
	return nil
}

func (c Compact) check() error {
	if c.N == 0 {
		if len(c.Buckets) != 0 || c.Sum != 0 || c.SumSq != 0 || c.MinV != 0 || c.MaxV != 0 {
			return errors.New("histogram: empty but with buckets, sums or extremes")
		}
		return nil
	}
	if !(c.Sum >= 0) || !(c.SumSq >= 0) || math.IsInf(c.Sum, 0) || math.IsInf(c.SumSq, 0) {
		return errors.New("histogram: sums must be finite and non-negative")
	}
	if c.MinV < 0 || c.MinV > c.MaxV {
		return fmt.Errorf("histogram: min %d and max %d out of order", c.MinV, c.MaxV)
	}
	var total uint64
	last := -1
	for _, b := range c.Buckets {
		i, n := b[0], b[1]
		if i >= histBands*histSub || int(i) <= last || n == 0 {
			return fmt.Errorf("histogram: bucket [%d, %d] out of range, out of order or empty", i, n)
		}
		if total+n < total {
			return errors.New("histogram: counts overflow")
		}
		last = int(i)
		total += n
	}
	if total != c.N {
		return fmt.Errorf("histogram: buckets hold %d values, count says %d", total, c.N)
	}
	// The sums must be ones its values can add up to (Cauchy–Schwarz for
	// the squares), within float rounding.
	n, lo, hi := float64(c.N), float64(c.MinV), float64(c.MaxV)
	const eps = 1e-6
	if c.Sum < n*lo*(1-eps) || c.Sum > n*hi*(1+eps) || c.SumSq < c.Sum*c.Sum/n*(1-eps) || c.SumSq > n*hi*hi*(1+eps) {
		return fmt.Errorf("histogram: sums %g and %g impossible for %d values in [%d, %d]", c.Sum, c.SumSq, c.N, c.MinV, c.MaxV)
	}
	if bmin, smin := bucket(c.MinV); uint64(bmin*histSub+smin) != c.Buckets[0][0] {
		return fmt.Errorf("histogram: min %d is not in the first bucket", c.MinV)
	}
	if bmax, smax := bucket(c.MaxV); uint64(bmax*histSub+smax) != uint64(last) {
		return fmt.Errorf("histogram: max %d is not in the last bucket", c.MaxV)
	}
	return nil
}
