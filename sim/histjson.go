package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// histJSON is a Histogram's wire form: its exact state, with the
// non-empty buckets as [index, count] pairs, index = band·1024 + sub.
type histJSON struct {
	Count   uint64      `json:"count"`
	Sum     float64     `json:"sum"`
	SumSq   float64     `json:"sum_sq"`
	Min     int64       `json:"min"`
	Max     int64       `json:"max"`
	Buckets [][2]uint64 `json:"buckets"`
}

// MarshalJSON encodes h exactly: unmarshalling gives a histogram with the
// same quantiles, mean, deviation, extremes and merge behaviour.
func (h *Histogram) MarshalJSON() ([]byte, error) {
	w := histJSON{Count: h.count, Sum: h.sum, SumSq: h.sumSq, Min: h.min, Max: h.max, Buckets: [][2]uint64{}}
	for band, b := range h.bands {
		if b == nil {
			continue
		}
		for sub, c := range b {
			if c > 0 {
				w.Buckets = append(w.Buckets, [2]uint64{uint64(band*histSub + sub), c})
			}
		}
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes what MarshalJSON wrote, refusing any state a
// histogram cannot be in: buckets out of range, out of order or empty,
// counts that do not add up, extremes outside their buckets, or sums that
// are negative or not finite.
func (h *Histogram) UnmarshalJSON(data []byte) error {
	var w histJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("histogram: %w", err)
	}
	*h = Histogram{}
	if w.Count == 0 {
		if len(w.Buckets) != 0 || w.Sum != 0 || w.SumSq != 0 || w.Min != 0 || w.Max != 0 {
			return errors.New("histogram: empty but with buckets, sums or extremes")
		}
		return nil
	}
	if !(w.Sum >= 0) || !(w.SumSq >= 0) || math.IsInf(w.Sum, 0) || math.IsInf(w.SumSq, 0) {
		return errors.New("histogram: sums must be finite and non-negative")
	}
	if w.Min < 0 || w.Min > w.Max {
		return fmt.Errorf("histogram: min %d and max %d out of order", w.Min, w.Max)
	}
	var total uint64
	last := -1
	for _, b := range w.Buckets {
		i, c := b[0], b[1]
		if i >= histBands*histSub || int(i) <= last || c == 0 {
			return fmt.Errorf("histogram: bucket [%d, %d] out of range, out of order or empty", i, c)
		}
		if total+c < total {
			return errors.New("histogram: counts overflow")
		}
		last = int(i)
		total += c
	}
	if total != w.Count {
		return fmt.Errorf("histogram: buckets hold %d values, count says %d", total, w.Count)
	}
	first := w.Buckets[0][0]
	if bmin, smin := bucket(w.Min); uint64(bmin*histSub+smin) != first {
		return fmt.Errorf("histogram: min %d is not in the first bucket", w.Min)
	}
	if bmax, smax := bucket(w.Max); uint64(bmax*histSub+smax) != uint64(last) {
		return fmt.Errorf("histogram: max %d is not in the last bucket", w.Max)
	}
	for _, b := range w.Buckets {
		band, sub := int(b[0]/histSub), int(b[0]%histSub)
		if h.bands[band] == nil {
			h.bands[band] = new([histSub]uint64)
		}
		h.bands[band][sub] = b[1]
	}
	h.count, h.sum, h.sumSq, h.min, h.max = w.Count, w.Sum, w.SumSq, w.Min, w.Max
	return nil
}
