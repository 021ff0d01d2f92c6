package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/luosim/luosim/bench"
	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/workload"
)

// runFlags are the common flags of product.md §1.
type runFlags struct {
	out     string
	designs string
	cpus    string
	count   int
	seed    uint64
	jobs    int
	set     map[string]bool // flags given on the command line
	json    bool
	quiet   bool
	maxEv   float64
	check   bool
}

func (f *runFlags) register(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	Uint64Var(*uint64, string, uint64, string)
	BoolVar(*bool, string, bool, string)
	Float64Var(*float64, string, float64, string)
}) {
	fs.StringVar(&f.out, "o", "luosim-out", "write results to `dir` ('' writes no files)")
	fs.StringVar(&f.designs, "design", "", "comma-separated `designs` to run (default: the scenario's)")
	fs.StringVar(&f.cpus, "cpus", "", "comma-separated simulated CPU `counts` (default: the scenario's)")
	fs.IntVar(&f.count, "count", 0, "replications per point (default: the scenario's)")
	fs.Uint64Var(&f.seed, "seed", 0, "root `seed` (default: the scenario's)")
	fs.IntVar(&f.jobs, "j", runtime.NumCPU(), "replications run in parallel")
	fs.BoolVar(&f.json, "json", false, "print the result document as JSON instead of the table")
	fs.BoolVar(&f.quiet, "q", false, "no status lines on stderr")
	fs.Float64Var(&f.maxEv, "max-events", workload.DefaultMaxEvents, "refuse a run estimated to need more simulation `events` than this")
	fs.BoolVar(&f.check, "check", false, "check the model's invariants as it runs (mutual exclusion, FIFO, conservation, Little's law, ...); slower")
}

// loadScenario reads the scenario file named by args (the embedded
// default when none) and applies the flag overrides.
func loadScenario(args []string, f *runFlags) (*workload.Scenario, string, error) {
	var sc *workload.Scenario
	name := "embedded:" + workload.DefaultScenario
	switch len(args) {
	case 0:
		sc = workload.Default()
	case 1:
		name = args[0]
		data, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			// Not a file: the name of an embedded scenario?
			if src, eerr := workload.EmbeddedSource(name); eerr == nil {
				data, err, name = src, nil, "embedded:"+name
			}
		}
		if err != nil {
			return nil, "", &usageError{fmt.Sprintf("%v (embedded scenarios: %s)", err, strings.Join(workload.EmbeddedNames(), ", "))}
		}
		if sc, err = workload.Parse(name, data); err != nil {
			return nil, "", &usageError{err.Error()}
		}
	default:
		return nil, "", &usageError{fmt.Sprintf("at most one scenario file, got %d arguments", len(args))}
	}
	if f == nil {
		return sc, name, nil
	}
	if f.designs != "" {
		sc.Designs = nil
		for _, d := range strings.Split(f.designs, ",") {
			design, ok := lockmodels.LookupDesign(strings.TrimSpace(d))
			if !ok {
				return nil, "", &usageError{fmt.Sprintf("-design: unknown design %q (see luosim designs)", d)}
			}
			for _, have := range sc.Designs {
				if have.Name == design.Name {
					return nil, "", &usageError{fmt.Sprintf("-design: %q given twice", d)}
				}
			}
			sc.Designs = append(sc.Designs, design)
		}
	}
	if f.cpus != "" {
		sc.CPUs = nil
		seen := map[int]bool{}
		for _, c := range strings.Split(f.cpus, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(c))
			if err != nil || n < 1 || n > workload.MaxCPUs || seen[n] {
				return nil, "", &usageError{fmt.Sprintf("-cpus: %q is not a new CPU count in 1..%d", c, workload.MaxCPUs)}
			}
			seen[n] = true
			sc.CPUs = append(sc.CPUs, n)
		}
	}
	if f.set["count"] {
		if f.count < 1 || f.count > workload.MaxReplications {
			return nil, "", &usageError{fmt.Sprintf("-count %d: want 1..%d", f.count, workload.MaxReplications)}
		}
		sc.Replications = f.count
	}
	if f.set["seed"] {
		sc.Seed = f.seed
	}
	if f.jobs < 1 {
		return nil, "", &usageError{fmt.Sprintf("-j %d: need at least 1", f.jobs)}
	}
	if !(f.maxEv > 0) {
		return nil, "", &usageError{fmt.Sprintf("-max-events %g: want a positive budget", f.maxEv)}
	}
	if err := sc.CheckBudget(f.maxEv); err != nil {
		return nil, "", &usageError{name + ": " + err.Error()}
	}
	return sc, name, nil
}

// simulate runs every item of sc on f's workers. SIGINT and SIGTERM stop
// it (an *interrupted error); a model that breaks an invariant fails it.
// Either way nothing has been written.
func simulate(sc *workload.Scenario, f *runFlags, version string) (*bench.Document, error) {
	ctx, stop := interruptible()
	defer stop()
	doc, err := bench.RunChecked(sc, bench.RunConfig{Version: version, Workers: f.jobs, Context: ctx, Check: f.check})
	if err != nil {
		if sig := interruptedBy(ctx); sig != nil {
			return nil, sig
		}
		return nil, fmt.Errorf("the model broke an invariant, nothing written: %w", err)
	}
	return doc, nil
}

// parse parses the run flags of args into f, remembering which were set.
func (f *runFlags) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return flagErr(err)
	}
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	return nil
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown"
	}
	return h
}

// writeFiles writes the files into dir all or nothing: every file goes to
// a temporary file in dir first, and only when all are written (and on
// disk) are they renamed into place, so an interrupted or failed run never
// leaves a partial file that looks complete. Temporary files are written
// by a few goroutines at once: a sweep's report is hundreds of files.
func writeFiles(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	subs := map[string]bool{dir: true}
	for n := range files {
		names = append(names, n)
		subs[filepath.Dir(filepath.Join(dir, n))] = true
	}
	slices.Sort(names)
	for sub := range subs {
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
	}
	tmps := make([]string, len(names))
	errs := make([]error, len(names))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(8, len(names)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				tmps[i], errs[i] = writeTemp(filepath.Join(dir, names[i]), files[names[i]])
			}
		}()
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	err := errors.Join(errs...)
	for i, n := range names {
		if err == nil {
			err = os.Rename(tmps[i], filepath.Join(dir, n))
		}
		if err != nil && tmps[i] != "" {
			os.Remove(tmps[i]) // renamed ones are gone already; no harm
		}
	}
	return err
}

// writeTemp writes data to a new temporary file beside path and returns
// its name ("" when none was created).
func writeTemp(path string, data []byte) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return "", err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp makes 0600; results are for sharing
	}
	if err == nil {
		err = tmp.Sync() // on disk before the rename makes it look complete
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	return tmp.Name(), err
}

func runScenario(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("scenario", stderr)
	fs.Bool("q", false, "accepted for uniformity; scenario prints no status lines")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: luosim scenario [scenario.yaml]\n\n"+
			"Prints the scenario (the embedded default %q when none is given)\n"+
			"in canonical form, every default filled in.\n\nLimits of a scenario:\n"+
			"  cpus            1..%d per point\n  sessions.count  1..%d\n  files/session   1..%d\n"+
			"  sessions x files  at most %d\n  handlers        at most %d\n  replications    1..%d\n"+
			"  work items      at most %d (designs x cpus x sweep points x replications)\n"+
			"  events          at most -max-events of luosim run (default %d)\n\n"+
			"Sweep axes (sweep: {path: [values]}), paths by shape:\n  %s\n",
			workload.DefaultScenario, workload.MaxCPUs, workload.MaxSessions, workload.MaxFilesPerSession,
			workload.MaxFilesTotal, workload.MaxHandlers, workload.MaxReplications, workload.MaxItems,
			workload.DefaultMaxEvents, strings.Join(workload.SweepPaths(), "\n  "))
	}
	if err := fs.Parse(args); err != nil {
		return flagErr(err)
	}
	sc, _, err := loadScenario(fs.Args(), nil)
	if err != nil {
		return err
	}
	_, err = stdout.Write(sc.CanonicalYAML())
	return err
}

func runCompare(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := newFlags("compare", stderr)
	f.register(fs)
	threshold := fs.Float64("threshold", 1, "smallest difference, in `percent`, called significant")
	if err := f.parse(fs, args); err != nil {
		return err
	}
	designs := strings.Split(f.designs, ",")
	if len(designs) != 2 || designs[0] == "" || designs[1] == "" {
		return &usageError{"-design A,B: compare needs exactly two designs"}
	}
	if !(*threshold >= 0) {
		return &usageError{fmt.Sprintf("-threshold %g: want a non-negative percentage", *threshold)}
	}
	sc, _, err := loadScenario(fs.Args(), &f)
	if err != nil {
		return err
	}
	if sc.Replications < 2 {
		return &usageError{fmt.Sprintf("compare needs at least 2 replications (the scenario or -count gives %d)", sc.Replications)}
	}
	if !f.quiet {
		fmt.Fprintf(stderr, "luosim: %s: %s vs %s x %d cpu counts x %d replications ...\n",
			sc.Name, sc.Designs[0].Name, sc.Designs[1].Name, len(sc.CPUs), sc.Replications)
	}
	version, _, _ := versionInfo()
	doc, err := simulate(sc, &f, version)
	if err != nil {
		return err
	}
	a, b := sc.Designs[0].Name, sc.Designs[1].Name
	cs, err := bench.Compare(doc, a, b, *threshold)
	if err != nil {
		return err
	}
	if f.json {
		return bench.WriteCompareJSON(stdout, a, b, cs)
	}
	return bench.WriteCompare(stdout, a, b, cs)
}

func runPlan(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := newFlags("plan", stderr)
	f.register(fs)
	if err := f.parse(fs, args); err != nil {
		return err
	}
	sc, _, err := loadScenario(fs.Args(), &f)
	if err != nil {
		return err
	}
	items := bench.Plan(sc)
	if f.json {
		b, err := json.MarshalIndent(map[string]any{"count": len(items), "items": items}, "", "  ")
		if err != nil {
			return err
		}
		_, err = stdout.Write(append(b, '\n'))
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "index\tdesign\tpoint\treplication\tseed")
	for _, it := range items {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\n", it.Index, it.Design, it.Point, it.Replication, it.Seed)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%d items\n", len(items))
	return err
}
