package reports

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{fmtDur(0), "-"},
		{fmtDur(999), "999ns"},
		{fmtDur(4_780_000), "4.78ms"},
		{fmtDur(6_400_009_584), "6.4s"},
		{fmtDur(123_456_789_000), "123s"},
		{fmtDurZero(0), "0"},
		{fmtDurCI(&[2]float64{-485_000, 783_000}), "[-485µs, 783µs]"},
		{fmtDurCI(nil), "-"},
		{fmtRate(1807.5), "1.81k/s"},
		{fmtRateCI(&[2]float64{-9811, 34_700}), "[-9.81k/s, 34.7k/s]"},
		{fmtPM(100, &[2]float64{97, 103}), "±3.0%"},
		{fmtPM(100, &[2]float64{-219, 419}), "±319%"},
		{fmtPM(100, nil), ""},
		{fmtNum(64), "64"},
		{fmtNum(0.5), "0.5"},
		{fmtSI(2500), "2.5k"},
		{shorten("per-session/per-file/global-rwsem", 15), "per-ses~l-rwsem"},
		{shorten("v3-merged", 15), "v3-merged"},
		{truncate("a long scenario name", 10), "a long..."},
		{plural(1, "replication"), "1 replication"},
		{plural(3, "lock class"), "3 lock classes"},
		{ninesLabel(1), "90%"},
		{ninesLabel(2), "99%"},
		{ninesLabel(4), "99.99%"},
		{fileStem("sessions.count"), "sessions-count"},
		{fileStem("retrieve-session"), "retrieve-session"},
		{mdEscape("<script>a|b*c_d</script> & [x](y)"), `&lt;script&gt;a\|b\*c\_d&lt;/script&gt; &amp; \[x\](y)`},
		{mdFence("a ```` b"), "`````"},
		{shellQuote("out dir"), "'out dir'"},
		{shellQuote("-o"), "-o"},
		{shellQuote("it's"), `'it'\''s'`},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestDurTicks: a log axis must never get a tick at or below zero, and
// gets labels whatever its range.
func TestDurTicks(t *testing.T) {
	for _, r := range [][2]float64{{1, 10}, {20_000, 90_000_000}, {0, 5}, {-3, -1}, {7, 7}, {1e9, 1e12}} {
		ticks := durTicks{}.Ticks(r[0], r[1])
		labels := 0
		for _, tk := range ticks {
			if !(tk.Value > 0) || math.IsInf(tk.Value, 0) {
				t.Errorf("range %v: tick at %v", r, tk.Value)
			}
			if tk.Label != "" {
				labels++
			}
		}
		if labels == 0 {
			t.Errorf("range %v: no labelled tick in %v", r, ticks)
		}
	}
	lo, hi := logRange(0, 0)
	if !(lo > 0 && hi > lo) {
		t.Errorf("logRange(0, 0) = %v, %v", lo, hi)
	}
}
