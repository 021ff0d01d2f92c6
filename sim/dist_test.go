package sim

import (
	"fmt"
	"math"
	"testing"
)

// TestDistMoments samples each family and compares the sample mean and cv
// with the analytic ones the Dist reports (and with the parameters).
func TestDistMoments(t *testing.T) {
	const n = 400_000
	for _, tt := range []struct {
		name     string
		d        Dist
		mean, cv float64 // expected from the parameters
	}{
		{"const", ConstDist(1500), 1500, 0},
		{"zero", Dist{}, 0, 0},
		{"exp", ExpDist(1000), 1000, 1},
		{"uniform", UniformDist(1000, 3000), 2000, 2000 / math.Sqrt(12) / 2000},
		{"lognormal", LogNormalDist(4000, 0.5), 4000, 0.5},
		{"lognormal cv2=4", LogNormalDist(1000, 2), 1000, 2},
		{"normal far from 0", NormalDist(10000, 1000), 10000, 0.1},
		{"normal truncated", NormalDist(0, 1000), 1000 * math.Sqrt(2/math.Pi), math.Sqrt(1-2/math.Pi) / math.Sqrt(2/math.Pi)},
		{"h2", H2Dist(1000, 2), 1000, 2},
		{"h2 cv=1 is exp", H2Dist(1000, 1), 1000, 1},
		{"empirical", EmpiricalDist([]Time{1000, 2000, 6000}), 3000, math.Sqrt((1+4+36)/3.0-9) / 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !close(tt.d.Mean(), tt.mean, 1e-9) || !close(tt.d.CV(), tt.cv, 1e-9) {
				t.Errorf("Mean, CV = %g, %g; want %g, %g", tt.d.Mean(), tt.d.CV(), tt.mean, tt.cv)
			}
			r := NewRNG(7, "dist", tt.name)
			var sum, sum2 float64
			for i := 0; i < n; i++ {
				x := float64(tt.d.Sample(r))
				if x < 0 {
					t.Fatalf("negative sample %g", x)
				}
				sum += x
				sum2 += x * x
			}
			m := sum / n
			sd := math.Sqrt(math.Max(0, sum2/n-m*m))
			// 5 standard errors of the mean, plus rounding to whole ns.
			tol := 5*tt.cv*tt.mean/math.Sqrt(n) + 0.5
			if math.Abs(m-tt.mean) > tol {
				t.Errorf("sample mean %g, want %g ± %g", m, tt.mean, tol)
			}
			if tt.mean > 0 && math.Abs(sd/m-tt.cv) > 0.05*tt.cv+0.01 {
				t.Errorf("sample cv %g, want %g", sd/m, tt.cv)
			}
		})
	}
}

func close(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))+1e-12
}

func TestDistPanics(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    func()
	}{
		{"negative exp", func() { ExpDist(-1) }},
		{"NaN lognormal", func() { LogNormalDist(math.NaN(), 1) }},
		{"inverted uniform", func() { UniformDist(2, 1) }},
		{"h2 cv<1", func() { H2Dist(1, 0.5) }},
		{"empty empirical", func() { EmpiricalDist(nil) }},
		{"negative const", func() { ConstDist(-5) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tt.f()
		})
	}
}

func TestDistKindNames(t *testing.T) {
	for k := DistConst; k <= DistEmpirical; k++ {
		got, ok := ParseDistKind(k.String())
		if !ok || got != k {
			t.Errorf("ParseDistKind(%q) = %v, %v", k.String(), got, ok)
		}
	}
	if _, ok := ParseDistKind("gamma"); ok {
		t.Error(`ParseDistKind("gamma") succeeded`)
	}
}

func TestSeedStreams(t *testing.T) {
	a1, a2 := Seed(1, "arrivals")
	b1, b2 := Seed(1, "arrivals")
	if a1 != b1 || a2 != b2 {
		t.Fatal("Seed is not a function of its arguments")
	}
	seen := map[[2]uint64]string{}
	for _, k := range [][]string{{"arrivals"}, {"service"}, {"arriv", "als"}, {"arrivalsx"}, {}, {"", "arrivals"}} {
		s1, s2 := Seed(1, k...)
		name := fmt.Sprintf("%q", k)
		if prev, dup := seen[[2]uint64{s1, s2}]; dup {
			t.Errorf("keys %s and %s share a seed", name, prev)
		}
		seen[[2]uint64{s1, s2}] = name
	}
	if c1, _ := Seed(2, "arrivals"); c1 == a1 {
		t.Error("root seed does not change the stream")
	}
}
