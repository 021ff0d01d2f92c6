// Command luosim is a discrete-event performance simulator for the Linux
// kernel's Live Update Orchestrator (kernel/liveupdate/): simulated CPUs
// issue LUO operations against pluggable lock designs over a cost model of
// the machine.
//
// Usage:
//
//	luosim <command> [flags] [arguments]
//
// The commands are:
//
//	run       run a scenario (the embedded default when none is given)
//	compare   compare two designs on common random numbers
//	plan      list a scenario's work items (design x point x replication)
//	validate  compare the simulator with analytic queueing results
//	scenario  print a scenario in canonical form, defaults filled in
//	designs   list the built-in lock designs
//	profiles  list the built-in machine cost profiles
//	version   print luosim's version, VCS revision and Go version
//
// Every number luosim prints is simulated. Exit status is 0 on success, 1
// when a run or validation fails, 2 on bad usage or input.
//
//	$ luosim validate -count 10 -ops 200000
//	case            metric  theory   simulated  ±95% CI  tolerance  unit    result
//	M/M/1 rho=0.5   X       0.5000   0.5004     0.0006   0.0025     ops/µs  pass
//	...
//	57 checks, 57 passed, 0 failed (evidence: simulated vs analytic)
package main

import "os"

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		os.Exit(exitCode(err))
	}
}
