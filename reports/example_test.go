package reports_test

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/luosim/luosim/bench"
	"github.com/luosim/luosim/reports"
	"github.com/luosim/luosim/workload"
)

// Files renders a whole report from a result document: the HTML page,
// the Markdown with its plots beside it, and the text summary.
func ExampleFiles() {
	data, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	sc, err := workload.Parse("tiny.yaml", data)
	if err != nil {
		fmt.Println(err)
		return
	}
	doc := bench.Run(sc, bench.RunConfig{Version: "example", Workers: 2})
	inv, err := reports.ReadInvocation("manifest.json", []byte(`{"command": ["luosim", "run", "tiny.yaml"], "go": "go1.26.8"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	files, err := reports.Files(doc, inv)
	if err != nil {
		fmt.Println(err)
		return
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	fmt.Println(strings.Join(names, "\n"))
	// Output:
	// plots/breakdown-preserve.svg
	// plots/breakdown-retrieve.svg
	// plots/cdf-preserve.svg
	// plots/cdf-retrieve.svg
	// plots/contention.svg
	// plots/phases.svg
	// plots/safety.svg
	// plots/scaling-cpus-p99-preserve.svg
	// plots/scaling-cpus-p99-retrieve.svg
	// plots/scaling-cpus-throughput-preserve.svg
	// plots/scaling-cpus-throughput-retrieve.svg
	// plots/spectrum-preserve.svg
	// plots/spectrum-retrieve.svg
	// report.html
	// report.md
	// report.txt
}

// ReadInvocation reads what manifest.json says about a run; unknown keys
// are ignored.
func ExampleReadInvocation() {
	inv, err := reports.ReadInvocation("manifest.json", []byte(`{
  "command": ["luosim", "run", "-o", "out"],
  "go": "go1.26.8",
  "revision": "0123abcd+dirty",
  "workers": 8,
  "future_key": true
}`))
	fmt.Println(inv.Command, inv.Go, inv.Revision, inv.Workers, err)

	_, err = reports.ReadInvocation("manifest.json", []byte(`{"command": ["luosim"`))
	fmt.Println(err)
	// Output:
	// [luosim run -o out] go1.26.8 0123abcd+dirty 8 <nil>
	// manifest.json: truncated: the file ends inside the JSON object
}
