package main

import (
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/luosim/luosim/bench"
)

// runMerge is `luosim merge -o OUT DIR...`: it combines the shard files in
// the DIRs into the result files and report an unsharded run writes.
func runMerge(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := newFlags("merge", stderr)
	fs.StringVar(&f.out, "o", "luosim-out", "write the merged results and report to `dir`")
	fs.BoolVar(&f.json, "json", false, "print the result document as JSON instead of the table")
	fs.BoolVar(&f.quiet, "q", false, "no status lines on stderr")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: luosim merge [-o OUT] [-json] [-q] DIR...\n\n"+
			"Merges the shard files (shard-IIII-of-NNNN.jsonl) of one sweep found in the DIRs\n"+
			"into the result files and report that an unsharded run writes, byte for byte.\n"+
			"Exit status 1 lists the shards to rerun when items are missing or shards disagree.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := f.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return &usageError{"merge: name at least one directory of shard files"}
	}
	start := time.Now()
	var shards []*bench.Shard
	reader := bench.NewShardReader()
	for _, dir := range fs.Args() {
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return &usageError{fmt.Sprintf("merge: %s is not a directory", dir)}
		}
		names, err := filepath.Glob(filepath.Join(dir, "shard-*-of-*.jsonl"))
		if err != nil {
			return err
		}
		for _, n := range names {
			if strings.HasSuffix(n, ".partial.jsonl") {
				continue // a checkpoint of an unfinished shard: its shard is missing
			}
			data, err := os.ReadFile(n)
			if err != nil {
				return &usageError{fmt.Sprintf("merge: %v", err)}
			}
			s, err := reader.Read(n, data)
			if err != nil {
				return &usageError{"merge: " + err.Error()}
			}
			shards = append(shards, s)
		}
	}
	if len(shards) == 0 {
		return &usageError{fmt.Sprintf("merge: no shard files (shard-IIII-of-NNNN.jsonl) in %s", strings.Join(fs.Args(), ", "))}
	}
	version, revision, goVersion := versionInfo()
	sc, results, err := bench.Merge(shards, version, buildID())
	if err != nil {
		if me, ok := err.(*bench.MergeError); ok {
			fmt.Fprintln(stderr, "luosim: "+me.Error())
			return &failure{me.Error()}
		}
		return &usageError{err.Error()}
	}
	doc, err := bench.Combine(sc, version, results)
	if err != nil {
		return &usageError{"merge: " + err.Error()}
	}
	files := make([]string, len(shards))
	for i, s := range shards {
		files[i] = s.Name
	}
	manifest := map[string]any{
		"command":      append([]string{"luosim", "merge"}, args...),
		"shard_files":  files,
		"wall_seconds": time.Since(start).Seconds(),
		"started":      start.UTC().Format(time.RFC3339),
		"host":         hostname(),
		"go":           goVersion,
		"revision":     revision,
		"luosim":       version,
	}
	if err := emit(doc, &f, manifest, stdout); err != nil {
		var pe *iofs.PathError
		if errors.As(err, &pe) {
			return err // the output directory, not the shards
		}
		// The shards passed their checks but hold numbers the result
		// files cannot carry: bad input all the same.
		return &usageError{"merge: " + err.Error()}
	}
	if !f.quiet {
		fmt.Fprintf(stderr, "luosim: merged %d shard files, %d items: %s\n", len(shards), len(results), filepath.Join(f.out, "report.html"))
	}
	return nil
}
