package sim

import (
	"math"
	"time"
)

// Time is a simulated instant or duration in integer nanoseconds.
type Time int64

// Common durations.
const (
	Nanosecond  Time = 1
	Microsecond      = 1000 * Nanosecond
	Millisecond      = 1000 * Microsecond
	Second           = 1000 * Millisecond
)

// Forever is a time later than any event.
const Forever Time = math.MaxInt64

// String formats t like a time.Duration ("1.5µs").
func (t Time) String() string { return time.Duration(t).String() }

// Seconds returns t in seconds.
func (t Time) Seconds() float64 { return float64(t) / 1e9 }

// Micros returns t in microseconds.
func (t Time) Micros() float64 { return float64(t) / 1e3 }
