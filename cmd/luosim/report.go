package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/luosim/luosim/bench"
	"github.com/luosim/luosim/reports"
)

// runReport re-renders the report of a result directory from its
// results.json (the source of truth) and, when present, manifest.json.
func runReport(args []string, stdout, stderr io.Writer) error {
	flags := newFlags("report", stderr)
	out := flags.String("o", "", "write the report to `dir` (default: DIR itself)")
	png := flags.Bool("png", false, "also write plots/*.png beside the SVGs")
	quiet := flags.Bool("q", false, "no status line on stderr")
	flags.Usage = func() {
		fmt.Fprintf(stderr, "usage: luosim report [-o dir] [-png] [-q] DIR\n\n"+
			"Re-renders report.html, report.md, report.txt and plots/ from DIR/results.json\n"+
			"(and DIR/manifest.json, if present) and prints report.txt.\n\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return flagErr(err)
	}
	if flags.NArg() != 1 {
		return &usageError{fmt.Sprintf("want one result directory, got %d arguments", flags.NArg())}
	}
	dir := flags.Arg(0)
	if *out == "" {
		*out = dir
	}
	doc, inv, err := readResultDir(dir)
	if err != nil {
		return err
	}
	files, err := reports.Render(doc, inv, reports.Options{PNG: *png})
	if err != nil {
		// The document passed its checks but holds numbers no report can
		// show: bad input all the same.
		return &usageError{fmt.Sprintf("%s: %v", filepath.Join(dir, "results.json"), err)}
	}
	if err := writeFiles(*out, files); err != nil {
		return err
	}
	if _, err := stdout.Write(files["report.txt"]); err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(stderr, "report: %s (also report.md, report.txt, plots/)\n", filepath.Join(*out, "report.html"))
	}
	return nil
}

// readResultDir reads dir/results.json, refusing a missing, truncated or
// foreign file, and dir/manifest.json when there is one: bad input is a
// usage error (exit 2).
func readResultDir(dir string) (*bench.Document, *reports.Invocation, error) {
	name := filepath.Join(dir, "results.json")
	data, err := os.ReadFile(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, &usageError{fmt.Sprintf("%s: no such file: is %s a luosim result directory?", name, dir)}
		}
		return nil, nil, &usageError{err.Error()}
	}
	version, _, _ := versionInfo()
	doc, err := bench.ReadDocument(name, data, version)
	if err != nil {
		return nil, nil, &usageError{err.Error()}
	}
	mname := filepath.Join(dir, "manifest.json")
	mdata, err := os.ReadFile(mname)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return doc, nil, nil
	case err != nil:
		return nil, nil, &usageError{err.Error()}
	}
	inv, err := reports.ReadInvocation(mname, mdata)
	if err != nil {
		return nil, nil, &usageError{err.Error()}
	}
	return doc, inv, nil
}
