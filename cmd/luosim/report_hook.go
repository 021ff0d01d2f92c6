package main

import (
	"github.com/luosim/luosim/bench"
	"github.com/luosim/luosim/reports"
)

// renderReport renders the report files of doc (report.html, report.md,
// report.txt, plots/) with the invocation details of manifest.
func renderReport(doc *bench.Document, manifest []byte) (map[string][]byte, error) {
	var inv *reports.Invocation
	if manifest != nil {
		var err error
		if inv, err = reports.ReadInvocation("manifest.json", manifest); err != nil {
			return nil, err
		}
	}
	return reports.Files(doc, inv)
}
