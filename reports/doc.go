// Package reports renders luosim's result documents (bench.Document) as
// plots and reports: report.html, one self-contained page (inline SVG, no
// scripts, no external resources, readable when mailed); report.md with
// its plots/*.svg beside it, for a code forge; and report.txt, a summary
// at most 72 columns wide for a mail or a patch cover letter.
//
// The plots, drawn with gonum.org/v1/plot, are the percentile spectrum
// and the CDF of the preserve and retrieve latencies, their throughput and
// p99 against every numeric sweep axis (simulated CPUs on a log2 axis)
// with 95% CI bars, where the time of an op goes (stacked bars), the
// lifecycle phases, the module-unload safety counts, and the wait per lock
// class. A plot whose data the results lack (a steady workload has no
// lifecycle phases) is left out, and the reports say why. Plots that show
// one cell of the sweep use the focus cell: the largest CPU count, every
// other sweep axis at its first value.
//
// Units: latencies are ns of simulated time, printed as durations;
// throughput is operations per second of simulated time. Every number is
// simulated, and every title, caption and table says so.
//
// Determinism: Files is a pure function of the document and the
// invocation: the same inputs give the same bytes (map keys are sorted,
// nothing reads the clock). The plots' floats can differ across
// architectures, so the golden files live in testdata/golden/GOARCH
// (refreshed with go test -update).
//
// reports sits between bench and cmd/luosim in the import order.
package reports
