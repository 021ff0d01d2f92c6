// Package workload holds luosim's scenarios: the YAML scenario format
// (product.md §3), parsed strictly with positioned errors and written back
// in a canonical form whose SHA-256 identifies the scenario; the embedded
// default scenarios; the sweep grid (CPU counts and sweep axes, see
// Scenario.Points and Scenario.At); and the drivers that run one point of
// the grid on the LUO model (lifecycle and steady workloads, see Run). It
// sits between lockmodels and bench in the import order.
package workload
