package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// fmtDur formats nanoseconds with three significant digits ("412µs"),
// "-" for zero.
func fmtDur(ns float64) string {
	if ns == 0 {
		return "-"
	}
	return fmtDurZero(ns)
}

// fmtDurZero is fmtDur that prints zero as "0".
func fmtDurZero(ns float64) string {
	if ns == 0 {
		return "0"
	}
	u := durUnitFor(math.Abs(ns))
	return sig3(ns/u.div) + u.name
}

type durUnit struct {
	div  float64
	name string
}

var durUnits = []durUnit{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}, {1, "ns"}}

// durUnitFor is the largest unit in which ns is at least 1.
func durUnitFor(ns float64) durUnit {
	for _, u := range durUnits {
		if ns >= u.div {
			return u
		}
	}
	return durUnits[len(durUnits)-1]
}

// sig3 prints v with three significant digits, never in e-notation.
func sig3(v float64) string {
	s := strconv.FormatFloat(v, 'g', 3, 64)
	if strings.ContainsAny(s, "e") {
		s = strconv.FormatFloat(v, 'f', 0, 64)
	}
	return s
}

// fmtNum prints an axis value: integers plainly, others with up to six
// significant digits.
func fmtNum(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// fmtRate prints a throughput in operations per second ("1.81k/s").
func fmtRate(v float64) string {
	if v == 0 {
		return "-"
	}
	for _, u := range []struct {
		div  float64
		name string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if v >= u.div {
			return sig3(v/u.div) + u.name + "/s"
		}
	}
	return sig3(v) + "/s"
}

// fmtPM is a 95% interval as ± a share of its centre value ("±3.1%"), ""
// without an interval.
func fmtPM(centre float64, ci *[2]float64) string {
	if ci == nil || centre == 0 {
		return ""
	}
	pct := (ci[1] - ci[0]) / 2 / math.Abs(centre) * 100
	switch {
	case pct >= 10:
		return fmt.Sprintf("±%.0f%%", pct)
	case pct >= 0.1:
		return fmt.Sprintf("±%.1f%%", pct)
	default:
		return "±0%"
	}
}

// fmtCI prints an interval with f, "-" without one.
func fmtCI(ci *[2]float64, f func(float64) string) string {
	if ci == nil {
		return "-"
	}
	return "[" + f(ci[0]) + ", " + f(ci[1]) + "]"
}

// fmtDurCI formats a duration interval, negative ends (an interval that
// crosses zero) printed as negative durations.
func fmtDurCI(ci *[2]float64) string {
	return fmtCI(ci, func(v float64) string {
		if v < 0 {
			return "-" + fmtDurZero(-v)
		}
		return fmtDurZero(v)
	})
}

func fmtRateCI(ci *[2]float64) string {
	return fmtCI(ci, func(v float64) string {
		switch {
		case v < 0:
			return "-" + fmtRate(-v)
		case v == 0:
			return "0/s"
		}
		return fmtRate(v)
	})
}

// runeLen is the width of s in a fixed-width font, one column per rune.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// shorten cuts s to at most n runes, replacing its middle with "~" so
// that both ends, which tell inline designs apart, stay visible.
func shorten(s string, n int) string {
	if runeLen(s) <= n {
		return s
	}
	if n < 3 {
		return string([]rune(s)[:n])
	}
	r := []rune(s)
	head := (n - 1) / 2
	tail := n - 1 - head
	return string(r[:head]) + "~" + string(r[len(r)-tail:])
}

// truncate cuts s to at most n runes, ending it with "..." when cut.
func truncate(s string, n int) string {
	if runeLen(s) <= n {
		return s
	}
	if n <= 3 {
		return string([]rune(s)[:n])
	}
	return strings.TrimRight(string([]rune(s)[:n-3]), " ") + "..."
}

// plural is "1 replication", "3 replications".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "s") {
		return strconv.Itoa(n) + " " + word + "es"
	}
	return strconv.Itoa(n) + " " + word + "s"
}
