package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// DistKind names a family of distributions.
type DistKind uint8

// The distribution families.
const (
	DistConst     DistKind = iota + 1 // always Value
	DistExp                           // exponential with Mean
	DistUniform                       // uniform on [Min, Max]
	DistLogNormal                     // lognormal with Mean and coefficient of variation CV
	DistNormal                        // normal with Mean and SD, truncated at 0
	DistH2                            // balanced-means hyperexponential with Mean and CV >= 1
	DistEmpirical                     // uniform choice among Values
)

var distNames = [...]string{
	DistConst: "const", DistExp: "exp", DistUniform: "uniform", DistLogNormal: "lognormal",
	DistNormal: "normal", DistH2: "h2", DistEmpirical: "empirical",
}

// String returns the family's name as scenario files spell it.
func (k DistKind) String() string {
	if int(k) < len(distNames) && distNames[k] != "" {
		return distNames[k]
	}
	return "DistKind(" + strconv.Itoa(int(k)) + ")"
}

// ParseDistKind returns the family named s.
func ParseDistKind(s string) (DistKind, bool) {
	for k, n := range distNames {
		if n != "" && n == s {
			return DistKind(k), true
		}
	}
	return 0, false
}

// Dist is a distribution of non-negative durations. Build one with the
// constructors (ConstDist, ExpDist, ...), which check their arguments; the
// zero Dist is the constant 0. Parameters are nanoseconds. A Dist is a small
// value: sampling it does not allocate.
type Dist struct {
	kind   DistKind
	mean   float64 // ns
	cv     float64
	a, b   float64 // family parameters, see Sample
	p      float64 // h2: probability of the first phase
	values []Time  // empirical
}

// ConstDist returns the constant v.
func ConstDist(v Time) Dist {
	mustNonNeg("ConstDist", float64(v))
	return Dist{kind: DistConst, mean: float64(v), a: float64(v)}
}

// ExpDist returns the exponential distribution with the given mean.
func ExpDist(mean float64) Dist {
	mustNonNeg("ExpDist", mean)
	return Dist{kind: DistExp, mean: mean, cv: 1}
}

// UniformDist returns the uniform distribution on [lo, hi].
func UniformDist(lo, hi float64) Dist {
	mustNonNeg("UniformDist", lo)
	if hi < lo {
		panic(fmt.Sprintf("sim.UniformDist: max %g < min %g", hi, lo))
	}
	m := (lo + hi) / 2
	cv := 0.0
	if m > 0 {
		cv = (hi - lo) / math.Sqrt(12) / m
	}
	return Dist{kind: DistUniform, mean: m, cv: cv, a: lo, b: hi}
}

// LogNormalDist returns the lognormal distribution with the given mean and
// coefficient of variation (sd/mean).
func LogNormalDist(mean, cv float64) Dist {
	mustNonNeg("LogNormalDist", mean)
	mustNonNeg("LogNormalDist", cv)
	s2 := math.Log1p(cv * cv)
	mu := math.Log(mean) - s2/2
	return Dist{kind: DistLogNormal, mean: mean, cv: cv, a: mu, b: math.Sqrt(s2)}
}

// NormalDist returns the normal distribution N(mean, sd²) truncated at 0
// (negative draws are redrawn). Its Mean and CV are those of the truncated
// distribution.
func NormalDist(mean, sd float64) Dist {
	mustNonNeg("NormalDist", mean)
	mustNonNeg("NormalDist", sd)
	d := Dist{kind: DistNormal, a: mean, b: sd, mean: mean}
	if sd > 0 {
		// Moments of N(mean, sd²) conditioned on x >= 0.
		alpha := -mean / sd
		z := 1 - normCDF(alpha)
		lam := normPDF(alpha) / z
		d.mean = mean + sd*lam
		v := sd * sd * (1 + alpha*lam - lam*lam)
		if d.mean > 0 {
			d.cv = math.Sqrt(v) / d.mean
		}
	}
	return d
}

// H2Dist returns the balanced-means two-phase hyperexponential distribution
// with the given mean and coefficient of variation cv >= 1.
func H2Dist(mean, cv float64) Dist {
	mustNonNeg("H2Dist", mean)
	if cv < 1 {
		panic(fmt.Sprintf("sim.H2Dist: cv %g < 1", cv))
	}
	c2 := cv * cv
	p := (1 + math.Sqrt((c2-1)/(c2+1))) / 2
	// Balanced means: p/λ1 = (1-p)/λ2 = mean/2.
	return Dist{kind: DistH2, mean: mean, cv: cv, p: p, a: mean / (2 * p), b: mean / (2 * (1 - p))}
}

// EmpiricalDist returns the uniform choice among values, which must not be
// empty. The slice is copied.
func EmpiricalDist(values []Time) Dist {
	if len(values) == 0 {
		panic("sim.EmpiricalDist: no values")
	}
	vs := append([]Time(nil), values...)
	var sum, sum2 float64
	for _, v := range vs {
		mustNonNeg("EmpiricalDist", float64(v))
		sum += float64(v)
		sum2 += float64(v) * float64(v)
	}
	n := float64(len(vs))
	m := sum / n
	d := Dist{kind: DistEmpirical, mean: m, values: vs}
	if m > 0 {
		d.cv = math.Sqrt(math.Max(0, sum2/n-m*m)) / m
	}
	return d
}

func mustNonNeg(fn string, x float64) {
	if !(x >= 0) || math.IsInf(x, 0) {
		panic(fmt.Sprintf("sim.%s: parameter %g is negative or not finite", fn, x))
	}
}

// Kind returns the distribution's family (DistConst for the zero Dist).
func (d Dist) Kind() DistKind {
	if d.kind == 0 {
		return DistConst
	}
	return d.kind
}

// Mean returns the distribution's mean in nanoseconds.
func (d Dist) Mean() float64 { return d.mean }

// CV returns the distribution's coefficient of variation (sd/mean).
func (d Dist) CV() float64 { return d.cv }

// Sample draws one duration from d using r, rounded to the nearest
// nanosecond.
func (d *Dist) Sample(r *rand.Rand) Time {
	var x float64
	switch d.kind {
	case 0, DistConst:
		return Time(d.a)
	case DistExp:
		x = r.ExpFloat64() * d.mean
	case DistUniform:
		x = d.a + (d.b-d.a)*r.Float64()
	case DistLogNormal:
		if d.mean == 0 {
			return 0
		}
		x = math.Exp(d.a + d.b*r.NormFloat64())
	case DistNormal:
		// Truncation at 0 by rejection; with mean >= 0 at least half of the
		// draws are accepted, and the bound keeps a run finite regardless.
		for i := 0; i < 64; i++ {
			x = d.a + d.b*r.NormFloat64()
			if x >= 0 {
				break
			}
			x = 0
		}
	case DistH2:
		if r.Float64() < d.p {
			x = r.ExpFloat64() * d.a
		} else {
			x = r.ExpFloat64() * d.b
		}
	case DistEmpirical:
		return d.values[r.IntN(len(d.values))]
	}
	return Time(x + 0.5) // x ≥ 0: round half up without math.Round
}

// String returns d in scenario syntax, e.g. "{dist: exp, mean: 1µs}".
func (d Dist) String() string {
	ns := func(x float64) string { return Time(math.Round(x)).String() }
	switch d.Kind() {
	case DistConst:
		return "{dist: const, value: " + ns(d.a) + "}"
	case DistExp:
		return "{dist: exp, mean: " + ns(d.mean) + "}"
	case DistUniform:
		return "{dist: uniform, min: " + ns(d.a) + ", max: " + ns(d.b) + "}"
	case DistLogNormal:
		return "{dist: lognormal, mean: " + ns(d.mean) + ", cv: " + strconv.FormatFloat(d.cv, 'g', -1, 64) + "}"
	case DistNormal:
		return "{dist: normal, mean: " + ns(d.a) + ", sd: " + ns(d.b) + "}"
	case DistH2:
		return "{dist: h2, mean: " + ns(d.mean) + ", cv: " + strconv.FormatFloat(d.cv, 'g', -1, 64) + "}"
	default:
		parts := make([]string, len(d.values))
		for i, v := range d.values {
			parts[i] = v.String()
		}
		return "{dist: empirical, values: [" + strings.Join(parts, ", ") + "]}"
	}
}

func normPDF(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
