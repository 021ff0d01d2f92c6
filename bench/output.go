package bench

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/luosim/luosim/sim"
)

// ResultFiles renders doc into the result files of product.md §4, by file
// name: results.json, results.csv (long form), results.txt (Go benchmark
// format, for benchstat) and one HdrHistogram percentile file per design,
// CPU count and op (hgrm/...). They depend only on doc, never on the
// invocation.
func ResultFiles(doc *Document) (map[string][]byte, error) {
	// The files render independently: in parallel, each into its slot.
	names := []string{"results.json", "results.csv", "results.txt"}
	jobs := []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return WriteJSON(b, doc) },
		func(b *bytes.Buffer) error { return WriteCSV(b, doc) },
		func(b *bytes.Buffer) error { return WriteBenchfmt(b, doc) },
	}
	for _, r := range doc.Results {
		for _, op := range sortedOps(r.Ops) {
			h := r.hists[op]
			if h == nil {
				continue
			}
			names = append(names, fmt.Sprintf("hgrm/%s.%s.%s.hgrm", fileSafe(r.Design), strings.ReplaceAll(r.Point, "/", ","), op))
			jobs = append(jobs, func(b *bytes.Buffer) error { writeHgrm(b, h); return nil })
		}
	}
	bufs := make([]bytes.Buffer, len(jobs))
	errs := make([]error, len(jobs))
	forEach(len(jobs), runtime.GOMAXPROCS(0), func(i int) { errs[i] = jobs[i](&bufs[i]) })
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	files := make(map[string][]byte, len(names))
	for i, n := range names {
		files[n] = bufs[i].Bytes()
	}
	return files, nil
}

func sortedOps(ops map[string]OpResult) []string {
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// fileSafe makes a design name usable in file names and benchmark names
// (inline designs are named session/refcount/registry).
func fileSafe(s string) string { return strings.ReplaceAll(s, "/", "_") }

// benchName turns an op name into a benchmark name: "retrieve-session" →
// "BenchmarkRetrieveSession".
func benchName(op string) string {
	var b strings.Builder
	b.WriteString("Benchmark")
	for _, part := range strings.Split(op, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// WriteBenchfmt writes doc in the Go benchmark format: file configuration
// lines, then one line per design, CPU count, op and replication, such as
//
//	BenchmarkPreserve/design=v3-merged/cpus=16 224 412345 sim-ns/op 398000 p50-sim-ns 1210000 p99-sim-ns 5123 ops/sim-s
//
// so that `benchstat -col /design results.txt` compares designs. Units
// carry a sim- prefix so simulated numbers are never read as measured.
func WriteBenchfmt(w *bytes.Buffer, doc *Document) error {
	fmt.Fprintf(w, "luosim-version: %s\n", doc.Version)
	fmt.Fprintf(w, "go: %s\n", runtime.Version())
	fmt.Fprintf(w, "scenario: %s\n", doc.scenarioName)
	fmt.Fprintf(w, "scenario-sha256: %s\n", doc.ScenarioSHA256)
	fmt.Fprintf(w, "seed: %d\n", doc.Seed)
	fmt.Fprintf(w, "evidence: %s\n", doc.Evidence)
	fmt.Fprintf(w, "percentile-method: value at or below which the share falls\n")
	w.WriteString("\nUnit sim-ns/op better=lower\nUnit p50-sim-ns better=lower\nUnit p99-sim-ns better=lower\nUnit ops/sim-s better=higher\n\n")
	for _, r := range doc.Results {
		for _, op := range sortedOps(r.Ops) {
			for _, rep := range r.Replicas {
				ro, ok := rep.Ops[op]
				if !ok || ro.Count == 0 {
					continue
				}
				fmt.Fprintf(w, "%s/design=%s/%s %d %s sim-ns/op %s p50-sim-ns %s p99-sim-ns %s ops/sim-s\n",
					benchName(op), fileSafe(r.Design), r.Point, ro.Count, fmtFloat(ro.MeanNs), fmtFloat(ro.P50Ns),
					fmtFloat(ro.P99Ns), fmtFloat(ro.ThroughputPerS))
			}
		}
	}
	return nil
}

// WriteCSV writes doc in long form: one row per design, CPU count,
// replication, op and metric.
func WriteCSV(w *bytes.Buffer, doc *Document) error {
	cw := csv.NewWriter(w)
	name := doc.scenarioName
	cw.Write([]string{"scenario", "design", "cpus", "point", "replication", "op", "metric", "unit", "value"})
	for _, r := range doc.Results {
		for _, rep := range r.Replicas {
			for _, op := range sortedOps(r.Ops) {
				ro, ok := rep.Ops[op]
				if !ok {
					continue
				}
				row := func(metric, unit string, v float64) {
					cw.Write([]string{name, r.Design, strconv.Itoa(r.CPUs), r.Point, strconv.Itoa(rep.Replication), op, metric, unit, fmtFloat(v)})
				}
				row("count", "ops", float64(ro.Count))
				row("latency_mean", "sim-ns", ro.MeanNs)
				row("latency_p50", "sim-ns", ro.P50Ns)
				row("latency_p99", "sim-ns", ro.P99Ns)
				row("wait_mean", "sim-ns", ro.WaitMeanNs)
				row("throughput", "ops/sim-s", ro.ThroughputPerS)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeHgrm writes h as HdrHistogram percentile text (the format of
// hdrhistogram-go's PercentilesPrint), values in microseconds: one row per
// non-empty bucket, at the bucket's upper edge capped at the maximum.
// Every row starts with a space, as plotters such as hdr-plot expect.
func writeHgrm(w *bytes.Buffer, h *sim.Histogram) {
	const us = 1e3
	fmt.Fprintf(w, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)")
	total := h.Count()
	var seen uint64
	h.Buckets(func(high int64, c uint64) {
		seen += c
		q := float64(seen) / float64(total)
		inv := "inf"
		if q < 1 {
			inv = fmt.Sprintf("%.2f", 1/(1-q))
		}
		fmt.Fprintf(w, " %12.3f %14.12f %10d %14s\n", float64(min(high, h.Max()))/us, q, seen, inv)
	})
	fmt.Fprintf(w, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", h.Mean()/us, h.StdDev()/us)
	fmt.Fprintf(w, "#[Max     = %12.3f, Total count    = %12d]\n", float64(h.Max())/us, total)
	fmt.Fprintf(w, "#[Buckets = %12d, SubBuckets     = %12d]\n", sim.HistBands, sim.HistSubBuckets)
}
