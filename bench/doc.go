// Package bench runs simulations and turns their output into statistics:
// replications run in parallel (each single-threaded, results combined in
// item order), latency percentiles from sim.Histogram, Student-t
// confidence intervals, and the validation of the engine and the lock
// primitives against the analytic queueing results of theory.go, which
// `luosim validate` prints.
//
// Times are nanoseconds of simulated time unless a name says otherwise
// (µs in validation tables); every number bench produces is simulated, and
// the same configuration and seed give the same numbers on every run,
// whatever the number of workers.
package bench
