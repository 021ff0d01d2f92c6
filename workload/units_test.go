package workload

import (
	"math"
	"testing"

	"github.com/luosim/luosim/sim"
)

func TestParseDuration(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    sim.Time
		wantErr bool
	}{
		{"0", 0, false},
		{"0s", 0, false},
		{"20ns", 20, false},
		{"400us", 400 * sim.Microsecond, false},
		{"400µs", 400 * sim.Microsecond, false},
		{"400μs", 400 * sim.Microsecond, false},
		{"1.5ms", 1500 * sim.Microsecond, false},
		{"2s", 2 * sim.Second, false},
		{"0.000000001s", 1, false},
		{"1.500ms", 1500 * sim.Microsecond, false},
		{"1.0000000000s", sim.Second, false},
		{"007ms", 7 * sim.Millisecond, false},
		{"9223372036854775807ns", math.MaxInt64, false},
		{"9223372036.854775807s", math.MaxInt64, false},
		{"9223372036854775808ns", 0, true},
		{"9223372037s", 0, true},
		{"9223372036.854775808s", 0, true},
		{"", 0, true},
		{"-1ms", 0, true},
		{"-0", 0, true},
		{"5", 0, true},
		{"1.5", 0, true},
		{"0.0", 0, true},
		{"NaN", 0, true},
		{"Inf", 0, true},
		{"infs", 0, true},
		{"1h", 0, true},
		{"1m", 0, true},
		{"1.5ns", 0, true},
		{"0.0000000001s", 0, true},
		{".5ms", 0, true},
		{"1.ms", 0, true},
		{"1..5ms", 0, true},
		{"1.2.3ms", 0, true},
		{"+1ms", 0, true},
		{"1 ms", 0, true},
		{"1e3ns", 0, true},
		{"ms", 0, true},
	} {
		got, err := ParseDuration(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tt := range []struct {
		in   sim.Time
		want string
	}{
		{0, "0"},
		{1, "1ns"},
		{20, "20ns"},
		{999, "999ns"},
		{1000, "1us"},
		{1500, "1.5us"},
		{400 * sim.Microsecond, "400us"},
		{1500 * sim.Microsecond, "1.5ms"},
		{100 * sim.Millisecond, "100ms"},
		{sim.Second, "1s"},
		{sim.Second + 1, "1.000000001s"},
		{3600 * sim.Second, "3600s"},
		{math.MaxInt64, "9223372036.854775807s"},
		{-1500, "-1.5us"},
	} {
		if got := FormatDuration(tt.in); got != tt.want {
			t.Errorf("FormatDuration(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseRate(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    float64
		wantErr bool
	}{
		{"500000/s", 500000, false},
		{"1.5e6/s", 1.5e6, false},
		{"1000/s", 1000, false},
		{"0.5/s", 0.5, false},
		{".5/s", 0.5, false},
		{"1E-3/s", 0.001, false},
		{"0/s", 0, true},
		{"-1/s", 0, true},
		{"1000", 0, true},
		{"1000/ms", 0, true},
		{"/s", 0, true},
		{"inf/s", 0, true},
		{"NaN/s", 0, true},
		{"1e400/s", 0, true},
		{"0x10/s", 0, true},
		{"1_000/s", 0, true},
		{"1e-400/s", 0, true},
	} {
		got, err := ParseRate(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseRate(%q) = %g, %v; want %g, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestFormatRate(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{
		{1000, "1000/s"},
		{500000, "500000/s"},
		{1.5e6, "1500000/s"},
		{0.5, "0.5/s"},
		{1e-5, "1e-05/s"},
		{1e21, "1e+21/s"},
		{1234.5, "1234.5/s"},
	} {
		if got := FormatRate(tt.in); got != tt.want {
			t.Errorf("FormatRate(%g) = %q, want %q", tt.in, got, tt.want)
		}
		if back, err := ParseRate(tt.want); err != nil || back != tt.in {
			t.Errorf("ParseRate(%q) = %g, %v; want %g", tt.want, back, err, tt.in)
		}
	}
}

func TestBytes(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    int64
		canon   string
		wantErr bool
	}{
		{"512", 512, "512", false},
		{"0", 0, "0", false},
		{"4KiB", 4 << 10, "4KiB", false},
		{"2MiB", 2 << 20, "2MiB", false},
		{"4GiB", 4 << 30, "4GiB", false},
		{"1024MiB", 1 << 30, "1GiB", false},
		{"1536KiB", 1536 << 10, "1536KiB", false},
		{"4096", 4096, "4KiB", false},
		{"7EiB", 7 << 60, "7EiB", false},
		{"8EiB", 0, "", true},
		{"9223372036854775808", 0, "", true},
		{"4GB", 0, "", true},
		{"1.5GiB", 0, "", true},
		{"-1", 0, "", true},
		{"", 0, "", true},
		{"GiB", 0, "", true},
	} {
		got, err := ParseBytes(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
			continue
		}
		if err == nil {
			if c := FormatBytes(got); c != tt.canon {
				t.Errorf("FormatBytes(%d) = %q, want %q", got, c, tt.canon)
			}
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"0", "20ns", "400us", "400µs", "1.5ms", "2s", "9223372036.854775807s", "-1ms", "1.5", "0.5ns"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %d < 0", s, d)
		}
		c := FormatDuration(d)
		back, err := ParseDuration(c)
		if err != nil || back != d {
			t.Fatalf("ParseDuration(%q) = %d; FormatDuration = %q; parsed back as %d, %v", s, d, c, back, err)
		}
		if FormatDuration(back) != c {
			t.Fatalf("FormatDuration not canonical for %q", s)
		}
	})
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"500000/s", "1.5e6/s", "1000/s", "0/s", "1e-300/s", "inf/s", "0x1p3/s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			return
		}
		if !(r > 0) || math.IsInf(r, 0) {
			t.Fatalf("ParseRate(%q) = %g", s, r)
		}
		c := FormatRate(r)
		back, err := ParseRate(c)
		if err != nil || back != r {
			t.Fatalf("ParseRate(%q) = %g; FormatRate = %q; parsed back as %g, %v", s, r, c, back, err)
		}
		if FormatRate(back) != c {
			t.Fatalf("FormatRate not canonical for %q", s)
		}
	})
}
