// Package workload will hold luosim's scenarios: the YAML scenario format,
// its validation with positioned errors, the embedded default scenarios and
// the operation generators (lifecycle and steady). It is empty until the
// LUO model lands; it sits between lockmodels and bench in the import order.
package workload
