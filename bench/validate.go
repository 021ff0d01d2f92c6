package bench

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
	"text/tabwriter"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
)

// ValidateConfig sizes a validation run. The zero value is not useful;
// start from DefaultValidateConfig.
type ValidateConfig struct {
	Replications int     // independent replications per case (≥ 2)
	Ops          int     // measured operations per replication
	Workers      int     // replications run in parallel (≥ 1)
	Seed         uint64  // root seed
	Floor        float64 // relative tolerance floor (histogram resolution, rounding)

	// Fault injection, for tests that prove validation can fail.
	holdBias float64                                        // critical sections this much longer than the theory's (0: none)
	newLock  func(*sim.Engine, lockmodels.Notify) exclusive // replaces the ideal mutex
}

// DefaultValidateConfig is what `luosim validate` runs: 10 replications of
// 200 000 measured operations per case.
func DefaultValidateConfig() ValidateConfig {
	return ValidateConfig{Replications: 10, Ops: 200_000, Workers: 1, Seed: 1, Floor: 0.005}
}

// Check is one comparison of simulation against theory.
type Check struct {
	Case   string
	Metric string
	Unit   string
	Theory float64
	Sim    float64 // mean over replications
	HalfCI float64 // 95% Student-t half-width over replications
	Tol    float64 // allowed |Sim − Theory|: max(3·HalfCI, Floor·|Theory|)
	Pass   bool
}

// validationCase is one model with its analytic answer.
type validationCase struct {
	name   string
	run    func(rep int) queueSample
	theory map[string]float64 // metric → value; metrics: X, W, Wq, W_p99, Wq_p99
	little bool               // check L = X·W
	bound  float64            // line case: X ≤ bound and X ≥ 0.99·bound
}

const us = float64(sim.Microsecond)

// validationCases builds the cases of `luosim validate` (cost-model.md §6):
// open M/M/1, M/D/1 and M/G/1 on the global-mutex shape, the closed
// machine-repairman model over several N, k independent closed queues (the
// per-session shape), and one hot cache line.
func validationCases(cfg ValidateConfig) []validationCase {
	var cases []validationCase
	S := us
	hs := S * (1 + cfg.holdBias) // the simulated critical section
	open := func(name string, rho float64, hold sim.Dist, th Theory, tails bool) {
		sp := queueSpec{open: true, lambda: rho / S, locks: 1, hold: hold, ops: cfg.Ops, seed: cfg.Seed, newLock: cfg.newLock}
		c := validationCase{name: name, little: true, run: func(rep int) queueSample { return runQueue(sp, rep) },
			theory: map[string]float64{"X": th.Throughput, "W": th.MeanResponse, "Wq": th.MeanWait}}
		if tails {
			c.theory["W_p99"] = th.P99Response
			if th.P99Wait > 0 {
				c.theory["Wq_p99"] = th.P99Wait
			}
		}
		cases = append(cases, c)
	}
	for _, rho := range []float64{0.5, 0.8} {
		open(fmt.Sprintf("M/M/1 rho=%g", rho), rho, sim.ExpDist(hs), MM1(rho/S, S), true)
	}
	open("M/D/1 rho=0.8", 0.8, sim.ConstDist(sim.Time(hs)), MD1(0.8/S, S), true)
	open("M/G/1 rho=0.5 cv2=4", 0.5, sim.H2Dist(hs, 2), MG1(0.5/S, S, 4), false)

	Z := 10 * us
	for _, n := range []int{1, 2, 4, 8, 16, 32} {
		sp := queueSpec{threads: n, locks: 1, think: sim.ExpDist(Z), hold: sim.ExpDist(hs), ops: cfg.Ops, seed: cfg.Seed, newLock: cfg.newLock}
		th := Repairman(n, S, Z)
		c := validationCase{name: fmt.Sprintf("closed MVA N=%d", n), little: true,
			run:    func(rep int) queueSample { return runQueue(sp, rep) },
			theory: map[string]float64{"X": th.Throughput, "W": th.MeanResponse, "W_p99": th.P99Response}}
		if n > 1 {
			c.theory["Wq"] = th.MeanWait
		}
		cases = append(cases, c)
	}

	// Per-session locking: 16 CPUs, CPU i on lock i mod 4, i.e. 4
	// independent closed queues of 4 CPUs each.
	{
		const cpus, k = 16, 4
		sp := queueSpec{threads: cpus, locks: k, think: sim.ExpDist(Z), hold: sim.ExpDist(hs), ops: cfg.Ops, seed: cfg.Seed, newLock: cfg.newLock}
		th := Repairman(cpus/k, S, Z)
		cases = append(cases, validationCase{name: fmt.Sprintf("%d CPUs on %d independent locks", cpus, k), little: true,
			run:    func(rep int) queueSample { return runQueue(sp, rep) },
			theory: map[string]float64{"X": k * th.Throughput, "W": th.MeanResponse, "W_p99": th.P99Response}})
	}

	// One hot cache line: 64 CPUs, think Exp(500 ns), t_x = 50 ns.
	{
		prof := lockmodels.IdealProfile()
		prof.Name = "ideal+line_transfer=50ns"
		prof.SetLineTransfer(50)
		think := sim.ExpDist(500)
		cases = append(cases, validationCase{name: "hot cache line N=64 t_x=50ns", little: true,
			run:   func(rep int) queueSample { return runLine(64, think, prof, cfg.Ops, cfg.Seed, rep) },
			bound: 1 / float64(prof.LineLLC)})
	}
	return cases
}

// Limits of a validation run.
const (
	MaxValidateReplications = 1000
	MaxValidateOps          = 100_000_000
)

// Check reports what is wrong with cfg, or nil.
func (cfg ValidateConfig) Check() error {
	switch {
	case cfg.Replications < 2 || cfg.Replications > MaxValidateReplications:
		return fmt.Errorf("replications %d: want 2..%d (a confidence interval needs two)", cfg.Replications, MaxValidateReplications)
	case cfg.Ops < 1000 || cfg.Ops > MaxValidateOps:
		return fmt.Errorf("ops %d: want 1000..%d measured operations per replication", cfg.Ops, MaxValidateOps)
	case cfg.Workers < 1:
		return fmt.Errorf("workers %d: want at least 1", cfg.Workers)
	case !(cfg.Floor >= 0):
		return fmt.Errorf("floor %g: want a non-negative relative tolerance", cfg.Floor)
	}
	return nil
}

// Validate runs every case and returns the checks in a fixed order.
func Validate(cfg ValidateConfig) ([]Check, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	cases := validationCases(cfg)
	samples := make([][]queueSample, len(cases))
	type item struct{ c, rep int }
	var items []item
	for i := range cases {
		samples[i] = make([]queueSample, cfg.Replications)
		for r := 0; r < cfg.Replications; r++ {
			items = append(items, item{i, r})
		}
	}
	forEach(len(items), cfg.Workers, func(k int) {
		it := items[k]
		samples[it.c][it.rep] = cases[it.c].run(it.rep)
	})

	var checks []Check
	for i, c := range cases {
		get := func(f func(queueSample) float64) []float64 {
			xs := make([]float64, len(samples[i]))
			for j, s := range samples[i] {
				xs[j] = f(s)
			}
			return xs
		}
		metrics := []struct {
			name, unit string
			scale      float64
			f          func(queueSample) float64
		}{
			{"X", "ops/µs", us, func(s queueSample) float64 { return s.throughput }},
			{"W", "µs", 1 / us, func(s queueSample) float64 { return s.meanResp }},
			{"Wq", "µs", 1 / us, func(s queueSample) float64 { return s.meanWait }},
			{"W_p99", "µs", 1 / us, func(s queueSample) float64 { return s.p99Resp }},
			{"Wq_p99", "µs", 1 / us, func(s queueSample) float64 { return s.p99Wait }},
		}
		for _, mt := range metrics {
			th, ok := c.theory[mt.name]
			if !ok {
				continue
			}
			checks = append(checks, compare(c.name, mt.name, mt.unit, th*mt.scale, scaled(get(mt.f), mt.scale), cfg.Floor))
		}
		if c.bound > 0 {
			xs := scaled(get(func(s queueSample) float64 { return s.throughput }), us)
			b := c.bound * us
			m, h := meanCI(xs)
			checks = append(checks, Check{Case: c.name, Metric: "X <= 1/t_x", Unit: "ops/µs", Theory: b, Sim: m, HalfCI: h,
				Tol: 0.01 * b, Pass: m <= b*(1+1e-9) && m >= 0.99*b})
		}
		if c.little {
			// Little's law: time-average number in system against X·W,
			// per replication.
			xs := get(func(s queueSample) float64 { return s.timeAvgL - s.throughput*s.meanResp })
			l := get(func(s queueSample) float64 { return s.timeAvgL })
			lm, _ := meanCI(l)
			m, h := meanCI(xs)
			tol := max(3*h, 0.01*lm)
			checks = append(checks, Check{Case: c.name, Metric: "L - X*W", Unit: "ops", Theory: 0, Sim: m, HalfCI: h, Tol: tol,
				Pass: math.Abs(m) <= tol})
		}
	}
	return checks, nil
}

func scaled(xs []float64, k float64) []float64 {
	for i := range xs {
		xs[i] *= k
	}
	return xs
}

// compare applies the tolerance rule of cost-model.md §6.8:
// |est − theory| ≤ max(3·CI half-width, floor·|theory|).
func compare(name, metric, unit string, theory float64, xs []float64, floor float64) Check {
	m, h := meanCI(xs)
	tol := max(3*h, floor*math.Abs(theory))
	return Check{Case: name, Metric: metric, Unit: unit, Theory: theory, Sim: m, HalfCI: h, Tol: tol,
		Pass: math.Abs(m-theory) <= tol}
}

// meanCI returns the mean of xs and the half-width of its 95% Student-t
// confidence interval (NaN with fewer than two values).
func meanCI(xs []float64) (mean, half float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range xs {
		ss += float64((x - mean) * (x - mean)) // explicit conversion: no FMA fusion on any GOARCH
	}
	sd := math.Sqrt(ss / (n - 1))
	return mean, StudentT95(len(xs)-1) * sd / math.Sqrt(n)
}

// forEach calls f(0..n-1) on up to workers goroutines. Each f writes only
// its own result slot, so the outcome does not depend on scheduling.
func forEach(n, workers int, f func(i int)) {
	forEachUntil(nil, n, workers, f)
}

// forEachUntil is forEach that hands out no new item once done is closed
// (items already started finish).
func forEachUntil(done <-chan struct{}, n, workers int, f func(i int)) {
	workers = max(1, min(workers, n))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-done:
			break feed
		}
	}
	close(next)
	wg.Wait()
}

// WriteChecks prints checks as an aligned table and returns the number
// that failed.
func WriteChecks(w io.Writer, checks []Check) (failed int, err error) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tmetric\ttheory\tsimulated\t±95% CI\ttolerance\tunit\tresult")
	for _, c := range checks {
		res := "pass"
		if !c.Pass {
			res = "FAIL"
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Case, c.Metric, num(c.Theory), num(c.Sim), num(c.HalfCI), num(c.Tol), c.Unit, res)
	}
	if err := tw.Flush(); err != nil {
		return failed, err
	}
	_, err = fmt.Fprintf(w, "%d checks, %d passed, %d failed (evidence: simulated vs analytic)\n", len(checks), len(checks)-failed, failed)
	return failed, err
}

func num(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return strconv.FormatFloat(x, 'f', 4, 64)
}

func itoa(i int) string { return strconv.Itoa(i) }
