// Analytic queueing oracles.
//
// The functions in this file are the closed-form and exact-numerical
// predictions that `luosim validate` compares the simulator with: open
// M/M/1, M/G/1 and M/D/1 single-lock queues and the closed machine-repairman
// model (exact MVA with arrival-theorem tails), plus the Student t critical
// value used for replication confidence intervals. Formulas and worked values
// are in docs/cost-model.md §6.1, §6.2, §6.4 and §7. Nothing here simulates:
// every function is deterministic float64 arithmetic.
//
// Units: all times (service, think, wait, response, percentiles) are in one
// time unit chosen by the caller, and rates (arrival rate, throughput) are per
// that same unit. The cost-model tables use µs and ops/µs.

package bench

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// Theory is what an analytic model predicts for one queue (one lock).
// Times are in the caller's time unit and Throughput is per that unit.
type Theory struct {
	Throughput   float64 // X, completions per time unit
	MeanWait     float64 // Wq: mean time queued before service
	MeanResponse float64 // W = Wq + mean service
	MeanInSystem float64 // L (customers waiting or in service), = X*W (Little)
	P99Response  float64 // 99th percentile of response time (NaN if not known)
	P99Wait      float64 // 99th percentile of waiting time (0 if P(Wq>0) <= 1%; NaN if not known)
}

// p99 is the percentile every exported Theory reports.
const p99 = 0.99

// MM1 returns the M/M/1 FIFO prediction (cost-model.md §6.1) for Poisson
// arrivals at rate lambda (per time unit) and exponential service with mean s
// (time units). With μ = 1/s and ρ = λs:
//
//	Wq = ρs/(1−ρ), W = s/(1−ρ), L = ρ/(1−ρ), X = λ,
//	W_p = −ln(1−p)/(μ−λ),
//	Wq_p = ln(ρ/(1−p))/(μ−λ) for p > 1−ρ, else 0.
//
// It panics unless lambda > 0, s > 0 and ρ = lambda*s < 1.
func MM1(lambda, s float64) Theory {
	rho := checkOpen("MM1", lambda, s)
	w := s / (1 - rho)
	return Theory{
		Throughput:   lambda,
		MeanWait:     rho * s / (1 - rho),
		MeanResponse: w,
		MeanInSystem: lambda * w,
		P99Response:  mm1ResponseQuantile(lambda, s, p99),
		P99Wait:      mm1WaitQuantile(lambda, s, p99),
	}
}

// mm1ResponseQuantile is W_p = −ln(1−p)/(μ−λ) (§6.1).
func mm1ResponseQuantile(lambda, s, p float64) float64 {
	return -math.Log1p(-p) / (1/s - lambda)
}

// mm1WaitQuantile is Wq_p = ln(ρ/(1−p))/(μ−λ) for p > 1−ρ, else 0 (§6.1).
func mm1WaitQuantile(lambda, s, p float64) float64 {
	rho := lambda * s
	if rho <= 1-p {
		return 0
	}
	return math.Log(rho/(1-p)) / (1/s - lambda)
}

// MG1 returns the Pollaczek–Khinchine mean values for an M/G/1 FIFO queue
// (cost-model.md §6.2): Poisson arrivals at rate lambda (per time unit),
// service with mean s (time units) and squared coefficient of variation
// cs2 = Var(S)/s² (dimensionless). With ρ = λs:
//
//	Wq = ρs(1+cs2)/(2(1−ρ)), W = Wq + s, X = λ, L = λW.
//
// Percentiles depend on more than two moments, so P99Response and P99Wait
// are NaN. It panics unless lambda > 0, s > 0, cs2 >= 0 and ρ < 1.
func MG1(lambda, s, cs2 float64) Theory {
	rho := checkOpen("MG1", lambda, s)
	if !(cs2 >= 0) || math.IsInf(cs2, 1) {
		panic(fmt.Sprintf("bench.MG1: cs2 = %v, want finite >= 0", cs2))
	}
	wq := rho * s * (1 + cs2) / (2 * (1 - rho))
	w := wq + s
	return Theory{
		Throughput:   lambda,
		MeanWait:     wq,
		MeanResponse: w,
		MeanInSystem: lambda * w,
		P99Response:  math.NaN(),
		P99Wait:      math.NaN(),
	}
}

// MD1 returns the M/D/1 FIFO prediction (cost-model.md §6.2) for Poisson
// arrivals at rate lambda (per time unit) and constant service d (time
// units). Means are Pollaczek–Khinchine with cs2 = 0 (Wq = ρd/(2(1−ρ))).
// P99Wait is the smallest t with MD1WaitCDF(lambda, d, t) >= 0.99, found by
// bisection (0 when 1−ρ >= 0.99), and P99Response = P99Wait + d because the
// response is the wait plus the constant service.
// It panics unless lambda > 0, d > 0 and ρ = lambda*d < 1.
func MD1(lambda, d float64) Theory {
	checkOpen("MD1", lambda, d)
	t := MG1(lambda, d, 0)
	t.P99Wait = md1WaitQuantile(lambda, d, p99)
	t.P99Response = t.P99Wait + d
	return t
}

// MD1WaitCDF returns P(Wq <= t) for the M/D/1 FIFO queue (cost-model.md
// §6.2, Erlang/Crommelin form) with arrival rate lambda (per time unit),
// constant service d and t in time units (ρ = λd):
//
//	P(Wq <= t) = (1−ρ) Σ_{k=0}^{⌊t/d⌋} [λ(kd−t)]^k / k! · e^{−λ(kd−t)}.
//
// The terms alternate in sign and grow like e^{2λt} while the sum stays in
// [1−ρ, 1], so float64 (or log-space magnitudes, which do not help with
// cancellation) loses every digit beyond t ≈ 20d. This function evaluates the
// sum in math/big arithmetic with enough bits to cover the cancellation, so
// the result is accurate to float64 rounding for any t; the cost grows
// roughly as (t/d)·(λt)², about a millisecond at t = 40d. For t beyond
// Kingman's bound (P(Wq > t) <= e^{−θt} < 2^−54, θ the positive root of
// λ(e^{θd}−1) = θ) it returns 1 without summing. t < 0 gives 0, t = 0 gives
// 1−ρ, NaN gives NaN; the result is clamped to [0, 1].
// It panics unless lambda > 0, d > 0 and ρ < 1.
func MD1WaitCDF(lambda, d, t float64) float64 {
	checkOpen("MD1WaitCDF", lambda, d)
	return md1WaitCDF(lambda, d, t, md1Kingman(lambda, d))
}

// md1Kingman returns a lower bound (within 1e-15 relative) on θ > 0 solving
// λ(e^{θd}−1) = θ, the Kingman exponent: P(Wq > t) <= e^{−θt} for M/D/1.
func md1Kingman(lambda, d float64) float64 {
	rho := lambda * d
	f := func(th float64) float64 { return lambda*math.Expm1(th*d) - th }
	// f(0) = 0, f'(0) = ρ−1 < 0, f convex; e^x > 1+x+x²/2 makes f > 0 at hi.
	lo, hi := 0.0, 2*(1-rho)/(rho*d)
	for i := 0; i < 200 && hi-lo > 1e-15*hi; i++ {
		mid := lo + (hi-lo)/2
		if f(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// md1WaitCDF is MD1WaitCDF with a precomputed Kingman exponent theta.
func md1WaitCDF(lambda, d, t, theta float64) float64 {
	rho := lambda * d
	switch {
	case math.IsNaN(t):
		return math.NaN()
	case t < 0:
		return 0
	case t == 0:
		return 1 - rho
	case theta*t > 54*math.Ln2: // 1 − CDF < 2^−54: rounds to 1
		return 1
	}
	kmax := int(math.Floor(t / d))
	for kmax > 0 && float64(kmax)*d > t {
		kmax--
	}
	for float64(kmax+1)*d <= t {
		kmax++
	}

	// Working precision: the largest |term| over the smallest possible
	// result (1−ρ), plus float64's 53 bits and a margin.
	maxLog := 0.0
	for k := 0; k <= kmax; k++ {
		y := lambda * (t - float64(k)*d)
		lt := y
		if k > 0 && y > 0 {
			lg, _ := math.Lgamma(float64(k) + 1)
			lt += float64(k)*math.Log(y) - lg
		}
		maxLog = math.Max(maxLog, lt)
	}
	prec := uint((maxLog-math.Log(1-rho))*math.Log2E) + 96 + uint(bits.Len(uint(kmax)))

	nf := func(x float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(x) }
	bl, bd, bt := nf(lambda), nf(d), nf(t)
	// e^{−λ(kd−t)} = e^{λt}·q^k with q = e^{−λd}.
	q := bigExp(new(big.Float).SetPrec(prec).Neg(new(big.Float).SetPrec(prec).Mul(bl, bd)), prec)
	sum := nf(0)
	qk := nf(1)   // q^k
	fact := nf(1) // k!
	y := new(big.Float).SetPrec(prec)
	kd := new(big.Float).SetPrec(prec)
	term := new(big.Float).SetPrec(prec)
	for k := 0; k <= kmax; k++ {
		if k > 0 {
			qk.Mul(qk, q)
			fact.Mul(fact, nf(float64(k)))
		}
		// y = λ(t − kd) >= 0; the term is (−1)^k y^k / k! · q^k.
		kd.Mul(nf(float64(k)), bd)
		y.Sub(bt, kd)
		y.Mul(y, bl)
		bigPow(term, y, k)
		term.Mul(term, qk)
		term.Quo(term, fact)
		if k%2 == 1 {
			sum.Sub(sum, term)
		} else {
			sum.Add(sum, term)
		}
	}
	sum.Mul(sum, bigExp(new(big.Float).SetPrec(prec).Mul(bl, bt), prec))
	sum.Mul(sum, nf(1-rho))
	v, _ := sum.Float64()
	return math.Max(0, math.Min(1, v))
}

// bigPow sets z = x^n (n >= 0; 0^0 = 1) by binary exponentiation at z's
// precision and returns z.
func bigPow(z, x *big.Float, n int) *big.Float {
	prec := z.Prec()
	base := new(big.Float).SetPrec(prec).Set(x)
	z.SetFloat64(1)
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			z.Mul(z, base)
		}
		if n > 1 {
			base.Mul(base, base)
		}
	}
	return z
}

// bigExp returns e^x to about prec bits: argument halving to |r| <= 1/2,
// a Taylor series, then repeated squaring.
func bigExp(x *big.Float, prec uint) *big.Float {
	xf, _ := x.Float64()
	m := 0
	if a := math.Abs(xf); a > 0.5 {
		m = int(math.Ceil(math.Log2(a / 0.5)))
	}
	wp := prec + 64 + uint(m)
	r := new(big.Float).SetPrec(wp).SetMantExp(new(big.Float).SetPrec(wp).Set(x), -m)
	sum := new(big.Float).SetPrec(wp).SetFloat64(1)
	term := new(big.Float).SetPrec(wp).SetFloat64(1)
	for i := 1; ; i++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(wp).SetInt64(int64(i)))
		if term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-int(wp)-2 {
			break
		}
		sum.Add(sum, term)
	}
	for ; m > 0; m-- {
		sum.Mul(sum, sum)
	}
	return sum.SetPrec(prec)
}

// md1WaitQuantile returns the smallest t with P(Wq <= t) >= p for M/D/1,
// by bisection on [0, ln(1/(1−p))/θ] (Kingman's bound brackets the root).
func md1WaitQuantile(lambda, d, p float64) float64 {
	rho := lambda * d
	if 1-rho >= p {
		return 0
	}
	theta := md1Kingman(lambda, d)
	lo, hi := 0.0, -math.Log1p(-p)/theta
	return bisect(lo, hi, func(t float64) bool { return md1WaitCDF(lambda, d, t, theta) >= p })
}

// bisect returns the boundary in [lo, hi] where ok switches from false to
// true (ok monotone, ok(hi) assumed true), to 1e-12 relative.
func bisect(lo, hi float64, ok func(float64) bool) float64 {
	for i := 0; i < 200 && hi-lo > 1e-12*hi; i++ {
		mid := lo + (hi-lo)/2
		if ok(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo + (hi-lo)/2
}

// Repairman returns the closed machine-repairman (M/M/1//N) prediction of
// cost-model.md §6.4: n customers (CPUs) each alternate a think time of mean
// z (any distribution, z may be 0) and one FIFO visit to a server (the lock)
// with exponential service of mean s; times in the caller's unit.
//
// Means by exact MVA: Q(0) = 0; for i = 1..n: R(i) = s(1+Q(i−1)),
// X(i) = i/(R(i)+z), Q(i) = X(i)R(i). Throughput = X(n) (per time unit),
// MeanResponse = R(n), MeanWait = R(n) − s, MeanInSystem = X·R (customers at
// the lock, waiting or in service).
//
// Tails by the arrival theorem: an arriving customer sees the (n−1)-customer
// stationary queue π_{n−1}(k) ∝ (n−1)!/(n−1−k)!·(s/z)^k, so
// P(R > t) = Σ_k π(k)·P(Erlang(k+1, 1/s) > t) and
// P(Wq > t) = Σ_{k>=1} π(k)·P(Erlang(k, 1/s) > t); the 99th percentiles are
// found by bisection (P99Wait = 0 when P(Wq > 0) = 1−π(0) <= 1%). Weights and
// Erlang (Poisson) terms are computed in log space, so n up to several
// thousand is fine. It panics unless n >= 1, s > 0 and z >= 0 (all finite).
func Repairman(n int, s, z float64) Theory {
	checkClosed("Repairman", n, s, z)
	q, r, x := 0.0, 0.0, 0.0
	for i := 1; i <= n; i++ {
		r = s * (1 + q)
		x = float64(i) / (r + z)
		q = x * r
	}
	pi := repairmanPi(n-1, s, z)
	return Theory{
		Throughput:   x,
		MeanWait:     r - s,
		MeanResponse: r,
		MeanInSystem: x * r,
		P99Response:  repairmanResponseQuantile(pi, s, p99),
		P99Wait:      repairmanWaitQuantile(pi, s, p99),
	}
}

// RepairmanQueueDist returns the stationary distribution π_n(k), k = 0..n,
// of the number of customers at the lock (waiting or in service) in the
// machine-repairman model of Repairman (cost-model.md §6.4, birth–death
// form): π_n(k) ∝ n!/(n−k)!·(s/z)^k, normalised to sum 1. Its mean equals
// the MVA queue X·R and 1−π_n(0) equals the utilisation X·s. With z = 0 all
// mass is at k = n. n = 0 gives [1]. It panics unless n >= 0, s > 0 and
// z >= 0 (all finite).
func RepairmanQueueDist(n int, s, z float64) []float64 {
	if n == 0 {
		checkClosed("RepairmanQueueDist", 1, s, z)
		return []float64{1}
	}
	checkClosed("RepairmanQueueDist", n, s, z)
	return repairmanPi(n, s, z)
}

// repairmanPi is π_m(k), k = 0..m, built from log weights
// log w_k = Σ_{j<k} [ln(m−j) + ln(s/z)] and normalised by log-sum-exp.
func repairmanPi(m int, s, z float64) []float64 {
	pi := make([]float64, m+1)
	if z == 0 {
		pi[m] = 1
		return pi
	}
	lr := math.Log(s) - math.Log(z)
	lw := make([]float64, m+1)
	top := 0.0
	for k := 1; k <= m; k++ {
		lw[k] = lw[k-1] + math.Log(float64(m-k+1)) + lr
		top = math.Max(top, lw[k])
	}
	total := 0.0
	for k := range lw {
		pi[k] = math.Exp(lw[k] - top)
		total += pi[k]
	}
	for k := range pi {
		pi[k] /= total
	}
	return pi
}

// poissonCDFs returns c[j] = P(Poisson(x) <= j), j = 0..m, from log-space
// pmf terms; P(Erlang(k, 1/s) > t) = c[k−1] with x = t/s.
func poissonCDFs(x float64, m int) []float64 {
	c := make([]float64, m+1)
	if x == 0 {
		for j := range c {
			c[j] = 1
		}
		return c
	}
	lx := math.Log(x)
	acc := 0.0
	for j := 0; j <= m; j++ {
		lg, _ := math.Lgamma(float64(j) + 1)
		acc += math.Exp(-x + float64(j)*lx - lg)
		c[j] = math.Min(acc, 1)
	}
	return c
}

// repairmanResponseSurvival is P(R > t) = Σ_k π(k)·P(Erlang(k+1) > t).
func repairmanResponseSurvival(pi []float64, s, t float64) float64 {
	c := poissonCDFs(t/s, len(pi)-1)
	sum := 0.0
	for k, p := range pi {
		sum += p * c[k]
	}
	return sum
}

// repairmanWaitSurvival is P(Wq > t) = Σ_{k>=1} π(k)·P(Erlang(k) > t).
func repairmanWaitSurvival(pi []float64, s, t float64) float64 {
	c := poissonCDFs(t/s, len(pi)-1)
	sum := 0.0
	for k := 1; k < len(pi); k++ {
		sum += pi[k] * c[k-1]
	}
	return sum
}

// repairmanResponseQuantile is the p-quantile of R given the arrival
// distribution pi, by bisection.
func repairmanResponseQuantile(pi []float64, s, p float64) float64 {
	return survivalQuantile(s, 1-p, func(t float64) float64 { return repairmanResponseSurvival(pi, s, t) })
}

// repairmanWaitQuantile is the p-quantile of Wq (0 if P(Wq > 0) <= 1−p).
func repairmanWaitQuantile(pi []float64, s, p float64) float64 {
	if 1-pi[0] <= 1-p {
		return 0
	}
	return survivalQuantile(s, 1-p, func(t float64) float64 { return repairmanWaitSurvival(pi, s, t) })
}

// survivalQuantile finds t with surv(t) = tail for a decreasing surv,
// doubling an upper bracket from scale and then bisecting.
func survivalQuantile(scale, tail float64, surv func(float64) float64) float64 {
	hi := scale
	for i := 0; i < 2000 && surv(hi) > tail; i++ {
		hi *= 2
	}
	return bisect(0, hi, func(t float64) bool { return surv(t) <= tail })
}

// StudentT95 returns the two-sided 95% critical value t_{df,0.975} of
// Student's t with df degrees of freedom (dimensionless), used for the
// replication confidence interval mean ± t·sd/√R with df = R−1
// (cost-model.md §7), computed as gonum distuv.StudentsT{0, 1, df}
// .Quantile(0.975). It panics for df < 1.
func StudentT95(df int) float64 {
	if df < 1 {
		panic(fmt.Sprintf("bench.StudentT95: df = %d, want >= 1", df))
	}
	if t := t95(); df < len(t) {
		return t[df] // every CI of a sweep asks again; the quantile is slow
	}
	return studentT95(df)
}

func studentT95(df int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
}

// t95 caches StudentT95 for small df (the replication counts in use),
// computed on first use.
var t95 = sync.OnceValue(func() []float64 {
	t := make([]float64, 256)
	for df := 1; df < len(t); df++ {
		t[df] = studentT95(df)
	}
	return t
})

// checkOpen validates an open single-server queue and returns ρ = λs.
func checkOpen(fn string, lambda, s float64) float64 {
	if !(lambda > 0) || math.IsInf(lambda, 1) || !(s > 0) || math.IsInf(s, 1) {
		panic(fmt.Sprintf("bench.%s: lambda = %v, s = %v, want finite > 0", fn, lambda, s))
	}
	rho := lambda * s
	if !(rho < 1) {
		panic(fmt.Sprintf("bench.%s: utilisation lambda*s = %v, want < 1", fn, rho))
	}
	return rho
}

// checkClosed validates a machine-repairman model.
func checkClosed(fn string, n int, s, z float64) {
	if n < 1 || !(s > 0) || math.IsInf(s, 1) || !(z >= 0) || math.IsInf(z, 1) {
		panic(fmt.Sprintf("bench.%s: n = %d, s = %v, z = %v, want n >= 1, s > 0, z >= 0, finite", fn, n, s, z))
	}
}
