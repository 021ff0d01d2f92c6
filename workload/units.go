package workload

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/luosim/luosim/sim"
)

// Units of scenario files (product.md §3). Every parser here is exact: a
// value that cannot be represented exactly (a fraction of a nanosecond, a
// byte count past int64) is an error, never silently rounded, and every
// Format function writes a string its Parse function reads back to the
// same value.

// durationUnits are the suffixes ParseDuration accepts, longest first so
// that "ms" is not read as "s".
var durationUnits = []struct {
	suffix string
	scale  int64 // ns per unit
	digits int   // decimal digits of a fraction of the unit that are whole ns
}{
	{"ns", 1, 0},
	{"us", 1e3, 3},
	{"µs", 1e3, 3}, // U+00B5 MICRO SIGN
	{"μs", 1e3, 3}, // U+03BC GREEK SMALL LETTER MU, as time.ParseDuration accepts
	{"ms", 1e6, 6},
	{"s", 1e9, 9},
}

// ParseDuration reads a non-negative duration such as "400us", "1.5ms",
// "20ns" or "2s" into nanoseconds of simulated time. The number is decimal
// with an optional fraction; the unit is one of ns, us (or µs), ms and s and
// is required except for a bare "0". Negative values, NaN, infinities,
// fractions of a nanosecond and values past the int64 range are errors.
func ParseDuration(s string) (sim.Time, error) {
	if s == "" {
		return 0, errors.New("empty duration")
	}
	if s == "0" {
		return 0, nil
	}
	if s[0] == '-' {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	// Split the number from the unit.
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, unit := s[:i], s[i:]
	if num == "" {
		return 0, fmt.Errorf("invalid duration %q (want a number and a unit: ns, us, ms or s)", s)
	}
	intPart, frac, hasDot := strings.Cut(num, ".")
	if intPart == "" || hasDot && frac == "" || strings.Contains(frac, ".") {
		return 0, fmt.Errorf("invalid duration %q (want a number and a unit: ns, us, ms or s)", s)
	}
	if unit == "" {
		return 0, fmt.Errorf("missing unit in duration %q (want ns, us, ms or s)", s)
	}
	u := -1
	for j, du := range durationUnits {
		if unit == du.suffix {
			u = j
			break
		}
	}
	if u < 0 {
		return 0, fmt.Errorf("unknown unit %q in duration %q (want ns, us, ms or s)", unit, s)
	}
	du := durationUnits[u]
	// The fraction's digits past the unit's nanosecond precision must be
	// zeros.
	if len(frac) > du.digits {
		if strings.Trim(frac[du.digits:], "0") != "" {
			return 0, fmt.Errorf("duration %q is not a whole number of nanoseconds", s)
		}
		frac = frac[:du.digits]
	}
	overflow := fmt.Errorf("duration %q overflows int64 nanoseconds", s)
	var v int64
	for _, c := range []byte(intPart) {
		d := int64(c - '0')
		if v > (math.MaxInt64-d)/10 {
			return 0, overflow
		}
		v = v*10 + d
	}
	if v > math.MaxInt64/du.scale {
		return 0, overflow
	}
	v *= du.scale
	var f int64
	for j := 0; j < du.digits; j++ {
		f *= 10
		if j < len(frac) {
			f += int64(frac[j] - '0')
		}
	}
	if v > math.MaxInt64-f {
		return 0, overflow
	}
	return sim.Time(v + f), nil
}

// FormatDuration writes t in the canonical form ParseDuration reads back
// exactly: the largest of the units s, ms, us and ns that t reaches, with
// the shortest exact decimal fraction ("1.5ms", "400us", "20ns", "2s"), or
// "0". A negative t (which ParseDuration rejects) gets a leading '-'.
func FormatDuration(t sim.Time) string {
	if t == 0 {
		return "0"
	}
	if t < 0 {
		if t == math.MinInt64 {
			return "-9.223372036854775808s"
		}
		return "-" + FormatDuration(-t)
	}
	v := int64(t)
	du := durationUnits[0]
	for _, c := range durationUnits {
		if c.suffix != "µs" && c.suffix != "μs" && v >= c.scale {
			du = c
		}
	}
	whole, frac := v/du.scale, v%du.scale
	s := strconv.FormatInt(whole, 10)
	if frac != 0 {
		f := strconv.FormatInt(frac, 10)
		f = strings.Repeat("0", du.digits-len(f)) + f
		s += "." + strings.TrimRight(f, "0")
	}
	return s + du.suffix
}

// ParseRate reads a rate per second of simulated time such as "500000/s",
// "1.5e6/s" or "1000/s". The number is decimal (an exponent is allowed),
// finite and positive.
func ParseRate(s string) (float64, error) {
	num, ok := strings.CutSuffix(s, "/s")
	if !ok {
		return 0, fmt.Errorf("invalid rate %q (want a number per second, e.g. 1000/s)", s)
	}
	if strings.HasPrefix(num, "-") && num != "-" && isDecimalFloat(num[1:]) {
		return 0, fmt.Errorf("rate %q must be positive", s)
	}
	if num == "" || !isDecimalFloat(num) {
		return 0, fmt.Errorf("invalid rate %q (want a number per second, e.g. 1000/s)", s)
	}
	r, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(r, 0) || math.IsNaN(r) {
		return 0, fmt.Errorf("rate %q is out of range", s)
	}
	if r <= 0 {
		return 0, fmt.Errorf("rate %q must be positive", s)
	}
	return r, nil
}

// isDecimalFloat reports whether s is a plain decimal floating-point
// literal: no sign on the mantissa, no hexadecimal, no underscores, no
// names such as "inf".
func isDecimalFloat(s string) bool {
	if s[0] < '0' || s[0] > '9' {
		if s[0] != '.' {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E':
		case c == '+' || c == '-':
			if i == 0 || s[i-1] != 'e' && s[i-1] != 'E' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// FormatRate writes r (per second) in a form ParseRate reads back exactly:
// whole numbers below 1e21 in plain digits ("500000/s"), others in Go's
// shortest %g form ("1.5e-05/s").
func FormatRate(r float64) string {
	if r == math.Trunc(r) && math.Abs(r) < 1e21 {
		return strconv.FormatFloat(r, 'f', -1, 64) + "/s"
	}
	return strconv.FormatFloat(r, 'g', -1, 64) + "/s"
}

// byteUnits are the binary suffixes ParseBytes accepts, largest first.
var byteUnits = []struct {
	suffix string
	shift  uint
}{
	{"EiB", 60}, {"PiB", 50}, {"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0},
}

// ParseBytes reads a non-negative byte count: a decimal integer with an
// optional binary suffix B, KiB, MiB, GiB, TiB, PiB or EiB ("4GiB", "2MiB",
// "512"). Decimal SI suffixes (KB, MB, ...) are rejected as ambiguous.
func ParseBytes(s string) (int64, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	num, unit := s[:i], s[i:]
	if num == "" {
		if strings.HasPrefix(s, "-") {
			return 0, fmt.Errorf("negative size %q", s)
		}
		return 0, fmt.Errorf("invalid size %q (want an integer with an optional KiB, MiB or GiB suffix)", s)
	}
	shift := uint(0)
	if unit != "" {
		found := false
		for _, bu := range byteUnits {
			if unit == bu.suffix {
				shift, found = bu.shift, true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown unit %q in size %q (want B, KiB, MiB, GiB, TiB, PiB or EiB)", unit, s)
		}
	}
	var v int64
	for _, c := range []byte(num) {
		d := int64(c - '0')
		if v > (math.MaxInt64-d)/10 {
			return 0, fmt.Errorf("size %q overflows int64", s)
		}
		v = v*10 + d
	}
	if v > math.MaxInt64>>shift {
		return 0, fmt.Errorf("size %q overflows int64", s)
	}
	return v << shift, nil
}

// FormatBytes writes n with the largest binary suffix that divides it
// exactly ("4GiB", "2MiB", "4KiB"), or in plain digits ("512", "0").
func FormatBytes(n int64) string {
	if n > 0 {
		for _, bu := range byteUnits {
			if bu.shift > 0 && n&(1<<bu.shift-1) == 0 {
				return strconv.FormatInt(n>>bu.shift, 10) + bu.suffix
			}
		}
	}
	return strconv.FormatInt(n, 10)
}
