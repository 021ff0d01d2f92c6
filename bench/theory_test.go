package bench

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
)

// docRel is the relative tolerance for values printed in cost-model.md
// (3–5 significant digits).
const docRel = 1e-3

// near fails t unless got is within rel·|want| of want (an absolute 1e-9
// when want is 0).
func near(t *testing.T, label string, got, want, rel float64) {
	t.Helper()
	tol := rel * math.Abs(want)
	if want == 0 {
		tol = 1e-9
	}
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.6g, want %.6g (tol %.2g)", label, got, want, tol)
	}
}

// nearAbs fails t unless |got−want| <= tol (for values printed to a fixed
// number of decimals: tol = half a unit in the last printed place).
func nearAbs(t *testing.T, label string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.8g, want %.8g (±%.2g)", label, got, want, tol)
	}
}

// checkLittle asserts L = X·W for any Theory.
func checkLittle(t *testing.T, label string, th Theory) {
	t.Helper()
	near(t, label+" Little L=X*W", th.MeanInSystem, th.Throughput*th.MeanResponse, 1e-12)
}

func mustPanic(t *testing.T, label string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", label)
		}
	}()
	f()
}

// §6.1 table, S = 1.
func TestMM1DocTable(t *testing.T) {
	cases := []struct {
		rho, wq, w, lq, l                    float64
		wP50, wP99, wP999, qP50, qP99, qP999 float64
	}{
		{0.5, 1.000, 2.000, 0.500, 1.000, 1.386, 9.210, 13.816, 0, 7.824, 12.429},
		{0.8, 4.000, 5.000, 3.200, 4.000, 3.466, 23.026, 34.539, 2.350, 21.910, 33.423},
		{0.9, 9.000, 10.000, 8.100, 9.000, 6.931, 46.052, 69.078, 5.878, 44.998, 68.024},
	}
	for _, c := range cases {
		name := fmt.Sprintf("MM1 rho=%v", c.rho)
		th := MM1(c.rho, 1)
		near(t, name+" X", th.Throughput, c.rho, 1e-12)
		near(t, name+" Wq", th.MeanWait, c.wq, docRel)
		near(t, name+" W", th.MeanResponse, c.w, docRel)
		near(t, name+" Lq", th.MeanInSystem-c.rho, c.lq, docRel)
		near(t, name+" L", th.MeanInSystem, c.l, docRel)
		near(t, name+" W p99", th.P99Response, c.wP99, docRel)
		near(t, name+" Wq p99", th.P99Wait, c.qP99, docRel)
		near(t, name+" W p50", mm1ResponseQuantile(c.rho, 1, 0.5), c.wP50, docRel)
		near(t, name+" W p99.9", mm1ResponseQuantile(c.rho, 1, 0.999), c.wP999, docRel)
		near(t, name+" Wq p50", mm1WaitQuantile(c.rho, 1, 0.5), c.qP50, docRel)
		near(t, name+" Wq p99.9", mm1WaitQuantile(c.rho, 1, 0.999), c.qP999, docRel)
		checkLittle(t, name, th)
	}
}

func TestMM1Scaling(t *testing.T) {
	// Same ρ = 0.8 with s = 2.5 µs: times scale by s, L does not.
	th := MM1(0.8/2.5, 2.5)
	near(t, "Wq", th.MeanWait, 4*2.5, 1e-12)
	near(t, "W p99", th.P99Response, 23.025850929940457*2.5, 1e-12)
	near(t, "L", th.MeanInSystem, 4, 1e-12)
	// §6.1 per-session example: λ = 0.8 split over 8 sessions.
	nearAbs(t, "per-session Wq", MM1(0.1, 1).MeanWait, 0.111, 5e-4)
	// ρ <= 1% means P(Wq > 0) <= 1%, so P99Wait is 0.
	if got := MM1(0.005, 1).P99Wait; got != 0 {
		t.Errorf("MM1 rho=0.005 P99Wait = %v, want 0", got)
	}
	checkLittle(t, "MM1 scaled", th)
}

// §6.2 PK table, S = 1.
func TestMG1DocTable(t *testing.T) {
	cases := []struct {
		rho  float64
		want [3][2]float64 // Wq, W for cs2 = 0, 1, 4
	}{
		{0.5, [3][2]float64{{0.500, 1.500}, {1.000, 2.000}, {2.500, 3.500}}},
		{0.8, [3][2]float64{{2.000, 3.000}, {4.000, 5.000}, {10.000, 11.000}}},
		{0.9, [3][2]float64{{4.500, 5.500}, {9.000, 10.000}, {22.500, 23.500}}},
	}
	for _, c := range cases {
		for i, cs2 := range []float64{0, 1, 4} {
			name := fmt.Sprintf("MG1 rho=%v cs2=%v", c.rho, cs2)
			th := MG1(c.rho, 1, cs2)
			near(t, name+" X", th.Throughput, c.rho, 1e-12)
			near(t, name+" Wq", th.MeanWait, c.want[i][0], docRel)
			near(t, name+" W", th.MeanResponse, c.want[i][1], docRel)
			if !math.IsNaN(th.P99Response) || !math.IsNaN(th.P99Wait) {
				t.Errorf("%s: percentiles = %v, %v, want NaN", name, th.P99Response, th.P99Wait)
			}
			checkLittle(t, name, th)
		}
		// Cross-model consistency: cs2 = 1 is M/M/1, cs2 = 0 is M/D/1.
		mm, mg := MM1(c.rho, 1), MG1(c.rho, 1, 1)
		near(t, "MM1 vs MG1(cs2=1) Wq", mm.MeanWait, mg.MeanWait, 1e-12)
		md, mg0 := MD1(c.rho, 1), MG1(c.rho, 1, 0)
		near(t, "MD1 vs MG1(cs2=0) Wq", md.MeanWait, mg0.MeanWait, 1e-12)
		near(t, "MD1 vs MG1(cs2=0) L", md.MeanInSystem, mg0.MeanInSystem, 1e-12)
	}
}

// §6.2 M/D/1 waiting-time CDF table and Wq p99, D = 1.
func TestMD1DocTable(t *testing.T) {
	ts := []float64{0, 0.5, 1, 2, 3, 5}
	cases := []struct {
		rho  float64
		cdf  []float64
		wp99 float64
	}{
		{0.5, []float64{0.50000, 0.64201, 0.82436, 0.94696, 0.98475, 0.99876}, 3.336},
		{0.8, []float64{0.20000, 0.29836, 0.44511, 0.63452, 0.76210, 0.89950}, 10.356},
	}
	for _, c := range cases {
		for i, x := range ts {
			nearAbs(t, fmt.Sprintf("MD1WaitCDF rho=%v t=%v", c.rho, x), MD1WaitCDF(c.rho, 1, x), c.cdf[i], 5e-6)
		}
		th := MD1(c.rho, 1)
		name := fmt.Sprintf("MD1 rho=%v", c.rho)
		near(t, name+" Wq p99", th.P99Wait, c.wp99, docRel)
		near(t, name+" W p99", th.P99Response, c.wp99+1, docRel)
		near(t, name+" CDF at p99", MD1WaitCDF(c.rho, 1, th.P99Wait), 0.99, 1e-9)
		checkLittle(t, name, th)
	}
	// Scaling: D = 2 µs at the same ρ doubles the times.
	near(t, "MD1 d=2 Wq p99", MD1(0.4, 2).P99Wait, 2*10.356, docRel)
	nearAbs(t, "MD1 d=2 CDF", MD1WaitCDF(0.4, 2, 4), 0.63452, 5e-6)
}

func TestMD1WaitCDFEdges(t *testing.T) {
	if got := MD1WaitCDF(0.8, 1, -1); got != 0 {
		t.Errorf("CDF(-1) = %v, want 0", got)
	}
	if got := MD1WaitCDF(0.8, 1, math.NaN()); !math.IsNaN(got) {
		t.Errorf("CDF(NaN) = %v, want NaN", got)
	}
	if got := MD1WaitCDF(0.8, 1, 1e6); got != 1 {
		t.Errorf("CDF(1e6) = %v, want 1", got)
	}
	// At t = d only the k = 0 term remains: (1−ρ)e^ρ.
	for _, rho := range []float64{0.3, 0.8, 0.97} {
		near(t, fmt.Sprintf("CDF(d) rho=%v", rho), MD1WaitCDF(rho, 1, 1), (1-rho)*math.Exp(rho), 1e-14)
	}
	// Monotone, in [0,1], and continuous across the kinks at multiples of d,
	// well past where float64 summation of the alternating series fails.
	for _, rho := range []float64{0.5, 0.9, 0.95} {
		prev := 0.0
		for x := 0.0; x <= 60; x += 0.125 {
			f := MD1WaitCDF(rho, 1, x)
			if f < prev-1e-15 || f > 1 {
				t.Fatalf("rho=%v: CDF(%v) = %v after %v", rho, x, f, prev)
			}
			prev = f
		}
		for k := 1.0; k <= 40; k++ {
			a, b := MD1WaitCDF(rho, 1, k-1e-9), MD1WaitCDF(rho, 1, k+1e-9)
			if math.Abs(a-b) > 1e-7 {
				t.Errorf("rho=%v: jump at t=%v: %v vs %v", rho, k, a, b)
			}
		}
	}
	// Agrees with plain float64 summation where that is still accurate.
	for _, rho := range []float64{0.5, 0.8, 0.9} {
		for x := 0.0; x <= 8; x += 0.25 {
			near(t, fmt.Sprintf("CDF vs float64 rho=%v t=%v", rho, x), MD1WaitCDF(rho, 1, x), naiveMD1CDF(rho, 1, x), 1e-9)
		}
	}
}

// naiveMD1CDF is the §6.2 sum in float64, accurate only for small t.
func naiveMD1CDF(lambda, d, t float64) float64 {
	sum := 0.0
	for k := 0; float64(k)*d <= t; k++ {
		y := lambda * (float64(k)*d - t)
		lg, _ := math.Lgamma(float64(k) + 1)
		sum += math.Pow(y, float64(k)) * math.Exp(-y-lg)
	}
	return (1 - lambda*d) * sum
}

// The CDF's first two moments must reproduce PK and Takács (§6.2:
// Var(Wq) = 5.333 at ρ = 0.8): E[Wq] = ∫(1−F), E[Wq²] = ∫2t(1−F).
func TestMD1WaitCDFMoments(t *testing.T) {
	for _, rho := range []float64{0.5, 0.8, 0.9} {
		theta := md1Kingman(rho, 1)
		tmax := math.Ceil(math.Log(1e13) / theta)
		m1, m2 := 0.0, 0.0
		for k := 0.0; k < tmax; k++ { // smooth between multiples of d
			m1 += quad.Fixed(func(x float64) float64 { return 1 - MD1WaitCDF(rho, 1, x) }, k, k+1, 12, quad.Legendre{}, 0)
			m2 += quad.Fixed(func(x float64) float64 { return 2 * x * (1 - MD1WaitCDF(rho, 1, x)) }, k, k+1, 12, quad.Legendre{}, 0)
		}
		wq := rho / (2 * (1 - rho))
		near(t, fmt.Sprintf("rho=%v E[Wq] from CDF", rho), m1, wq, 1e-8)
		// Takács: E[Wq²] = 2Wq² + λE[S³]/(3(1−ρ)) with E[S³] = 1.
		near(t, fmt.Sprintf("rho=%v E[Wq^2] from CDF", rho), m2, 2*wq*wq+rho/(3*(1-rho)), 1e-8)
		if rho == 0.8 {
			near(t, "Var(Wq) rho=0.8", m2-m1*m1, 5.333, docRel)
		}
	}
}

// §6.4 MVA table, S = 1, Z = 10.
func TestRepairmanDocTable(t *testing.T) {
	cases := []struct {
		n                              int
		x, r, wq, u, q, pWait          float64
		rP50, rP99, rP999, qP99, qP999 float64
	}{
		{1, 0.09091, 1.0000, 0.0000, 0.09091, 0.0909, 0, 0.693, 4.605, 6.908, 0, 0},
		{2, 0.18033, 1.0909, 0.0909, 0.18033, 0.1967, 0.0909, 0.760, 4.979, 7.423, 2.207, 4.510},
		{4, 0.35334, 1.3206, 0.3206, 0.35334, 0.4666, 0.2679, 0.934, 5.874, 8.627, 3.890, 6.516},
		{8, 0.66168, 2.0904, 1.0904, 0.66168, 1.3832, 0.5910, 1.569, 8.424, 11.842, 6.902, 10.204},
		{11, 0.83677, 3.1458, 2.1458, 0.83677, 2.6323, 0.7854, 2.558, 11.125, 15.009, 9.733, 13.510},
		{16, 0.97770, 6.3650, 5.3650, 0.97770, 6.2230, 0.9635, 5.911, 16.848, 21.335, 15.549, 19.941},
		{32, 1.00000, 22.0000, 21.0000, 1.00000, 22.000, 1.0000, 21.667, 36.608, 42.358, 35.401, 41.083},
		{64, 1.00000, 54.0000, 53.0000, 1.00000, 54.000, 1.0000, 53.667, 74.067, 81.593, 72.921, 80.399},
	}
	const s, z = 1.0, 10.0
	for _, c := range cases {
		name := fmt.Sprintf("Repairman N=%d", c.n)
		th := Repairman(c.n, s, z)
		near(t, name+" X", th.Throughput, c.x, docRel)
		near(t, name+" R", th.MeanResponse, c.r, docRel)
		near(t, name+" Wq", th.MeanWait, c.wq, docRel)
		near(t, name+" U", th.Throughput*s, c.u, docRel)
		near(t, name+" mean queue", th.MeanInSystem, c.q, docRel)
		near(t, name+" R p99", th.P99Response, c.rP99, docRel)
		near(t, name+" Wq p99", th.P99Wait, c.qP99, docRel)

		arr := RepairmanQueueDist(c.n-1, s, z) // what an arrival sees
		near(t, name+" P(wait>0)", 1-arr[0], c.pWait, docRel)
		near(t, name+" R p50", repairmanResponseQuantile(arr, s, 0.5), c.rP50, docRel)
		near(t, name+" R p99.9", repairmanResponseQuantile(arr, s, 0.999), c.rP999, docRel)
		near(t, name+" Wq p99.9", repairmanWaitQuantile(arr, s, 0.999), c.qP999, docRel)
		checkLittle(t, name, th)

		// Birth–death form agrees with MVA: mean queue and utilisation.
		pi := RepairmanQueueDist(c.n, s, z)
		sum, mean := 0.0, 0.0
		for k, p := range pi {
			sum += p
			mean += float64(k) * p
		}
		near(t, name+" sum pi", sum, 1, 1e-12)
		near(t, name+" mean pi vs MVA", mean, th.MeanInSystem, 1e-9)
		near(t, name+" 1-pi(0) vs X*S", 1-pi[0], th.Throughput*s, 1e-9)
	}
	// "X at N = 32 is 1 − O(10⁻⁸)".
	if g := 1 - Repairman(32, s, z).Throughput; !(g > 1e-9 && g < 1e-7) {
		t.Errorf("1 - X(32) = %g, want O(1e-8)", g)
	}
}

func TestRepairmanBirthDeathVsMVA(t *testing.T) {
	const s, z = 0.3, 2.7
	for n := 1; n <= 60; n++ {
		th := Repairman(n, s, z)
		pi := RepairmanQueueDist(n, s, z)
		if len(pi) != n+1 {
			t.Fatalf("len(pi_%d) = %d", n, len(pi))
		}
		sum, mean := 0.0, 0.0
		for k, p := range pi {
			sum += p
			mean += float64(k) * p
		}
		near(t, fmt.Sprintf("n=%d sum", n), sum, 1, 1e-12)
		near(t, fmt.Sprintf("n=%d mean queue", n), mean, th.MeanInSystem, 1e-9)
		near(t, fmt.Sprintf("n=%d U", n), 1-pi[0], th.Throughput*s, 1e-9)
		// Interactive response-time law: R = N/X − Z.
		near(t, fmt.Sprintf("n=%d R=N/X-Z", n), th.MeanResponse, float64(n)/th.Throughput-z, 1e-9)
		checkLittle(t, fmt.Sprintf("n=%d", n), th)
	}
	if pi := RepairmanQueueDist(0, s, z); len(pi) != 1 || pi[0] != 1 {
		t.Errorf("RepairmanQueueDist(0) = %v, want [1]", pi)
	}
}

func TestRepairmanSingleCustomer(t *testing.T) {
	for _, c := range [][2]float64{{1, 10}, {0.25, 3}, {7, 0}, {2, 1e-9}} {
		s, z := c[0], c[1]
		th := Repairman(1, s, z)
		near(t, fmt.Sprintf("N=1 s=%v z=%v R", s, z), th.MeanResponse, s, 1e-12)
		near(t, fmt.Sprintf("N=1 s=%v z=%v X", s, z), th.Throughput, 1/(s+z), 1e-12)
		if th.MeanWait != 0 || th.P99Wait != 0 {
			t.Errorf("N=1 s=%v z=%v: wait %v / p99 %v, want 0", s, z, th.MeanWait, th.P99Wait)
		}
		near(t, fmt.Sprintf("N=1 s=%v z=%v R p99", s, z), th.P99Response, s*math.Log(100), 1e-9)
	}
}

func TestRepairmanLargeN(t *testing.T) {
	// Saturated: R = N·s − Z, and the tails are finite and ordered.
	th := Repairman(256, 1, 10)
	near(t, "N=256 X", th.Throughput, 1, 1e-12)
	near(t, "N=256 R", th.MeanResponse, 246, 1e-9)
	if !(th.P99Response > th.MeanResponse && th.P99Response < 2*th.MeanResponse) ||
		!(th.P99Wait > th.MeanWait && th.P99Wait < th.P99Response) {
		t.Errorf("N=256 tails out of order: %+v", th)
	}
	// Z = 0: every arrival sees n−1 ahead, so R ~ Erlang(n, 1/s) and
	// Wq ~ Erlang(n−1, 1/s); check against gonum's Gamma quantile.
	for _, n := range []int{2, 3, 17, 256} {
		const s = 0.5
		th := Repairman(n, s, 0)
		near(t, fmt.Sprintf("Z=0 n=%d R", n), th.MeanResponse, float64(n)*s, 1e-12)
		near(t, fmt.Sprintf("Z=0 n=%d X", n), th.Throughput, 1/s, 1e-12)
		wantR := distuv.Gamma{Alpha: float64(n), Beta: 1 / s}.Quantile(0.99)
		wantQ := distuv.Gamma{Alpha: float64(n - 1), Beta: 1 / s}.Quantile(0.99)
		near(t, fmt.Sprintf("Z=0 n=%d R p99", n), th.P99Response, wantR, 1e-8)
		near(t, fmt.Sprintf("Z=0 n=%d Wq p99", n), th.P99Wait, wantQ, 1e-8)
	}
	// The response-time survival integrates to the MVA mean (arrival theorem).
	for _, n := range []int{8, 64, 256} {
		th := Repairman(n, 1, 10)
		arr := RepairmanQueueDist(n-1, 1, 10)
		got := 0.0
		for a := 0.0; repairmanResponseSurvival(arr, 1, a) > 1e-15; a++ {
			got += quad.Fixed(func(x float64) float64 { return repairmanResponseSurvival(arr, 1, x) }, a, a+1, 16, quad.Legendre{}, 0)
		}
		near(t, fmt.Sprintf("n=%d integral of P(R>t)", n), got, th.MeanResponse, 1e-9)
	}
}

// §7 t-table, 95% column.
func TestStudentT95DocTable(t *testing.T) {
	for _, c := range []struct {
		df   int
		want float64
	}{{4, 2.7764}, {9, 2.2622}, {19, 2.0930}, {29, 2.0452}} {
		near(t, fmt.Sprintf("t95 df=%d", c.df), StudentT95(c.df), c.want, 5e-5)
	}
	near(t, "t95 df=1", StudentT95(1), 12.7062, 5e-5)
	near(t, "t95 df=1e6", StudentT95(1000000), 1.95997, 5e-5)
}

func TestPanics(t *testing.T) {
	mustPanic(t, "MM1 rho=1", func() { MM1(1, 1) })
	mustPanic(t, "MM1 rho>1", func() { MM1(2, 1) })
	mustPanic(t, "MM1 lambda=0", func() { MM1(0, 1) })
	mustPanic(t, "MM1 s<0", func() { MM1(0.5, -1) })
	mustPanic(t, "MM1 NaN", func() { MM1(math.NaN(), 1) })
	mustPanic(t, "MG1 cs2<0", func() { MG1(0.5, 1, -0.1) })
	mustPanic(t, "MG1 rho=1", func() { MG1(1, 1, 1) })
	mustPanic(t, "MD1 rho>1", func() { MD1(1.5, 1) })
	mustPanic(t, "MD1WaitCDF d=0", func() { MD1WaitCDF(0.5, 0, 1) })
	mustPanic(t, "Repairman n=0", func() { Repairman(0, 1, 1) })
	mustPanic(t, "Repairman s=0", func() { Repairman(2, 0, 1) })
	mustPanic(t, "Repairman z<0", func() { Repairman(2, 1, -1) })
	mustPanic(t, "RepairmanQueueDist n<0", func() { RepairmanQueueDist(-1, 1, 1) })
	mustPanic(t, "StudentT95 df=0", func() { StudentT95(0) })
}

func ExampleMM1() {
	// One lock, Poisson arrivals at 0.8/µs, Exp(1 µs) critical section (§6.1).
	th := MM1(0.8, 1)
	fmt.Printf("X=%.3f/µs Wq=%.3f W=%.3f L=%.3f W p99=%.3f Wq p99=%.3f µs\n",
		th.Throughput, th.MeanWait, th.MeanResponse, th.MeanInSystem, th.P99Response, th.P99Wait)
	// Output: X=0.800/µs Wq=4.000 W=5.000 L=4.000 W p99=23.026 Wq p99=21.910 µs
}
