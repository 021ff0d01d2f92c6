package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/luosim/luosim/bench"
)

// usageError is bad usage or bad input: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// failure is a run or validation that failed: exit status 1. It has
// already been reported.
type failure struct{ msg string }

func (e *failure) Error() string { return e.msg }

// errHelp is -h: the flag package printed the usage; exit 0.
var errHelp = errors.New("help requested")

func exitCode(err error) int {
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	var in *interrupted
	if errors.As(err, &in) {
		return 128 + int(in.sig)
	}
	return 1
}

// command is one subcommand, in the style of cmd/go's base.Command.
type command struct {
	name  string
	short string
	run   func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "run a scenario (the embedded default when none is given)", runRun},
		{"compare", "compare two designs on common random numbers", runCompare},
		{"plan", "list a scenario's work items (design x point x replication)", runPlan},
		{"merge", "merge the shard files of a sweep into results and a report", runMerge},
		{"validate", "compare the simulator with analytic queueing results", runValidate},
		{"report", "re-render the report from a result directory's results.json", runReport},
		{"scenario", "print a scenario in canonical form, defaults filled in", runScenario},
		{"designs", "list the built-in lock designs", runDesigns},
		{"profiles", "list the built-in machine cost profiles", runProfiles},
		{"version", "print version, VCS revision and Go version", runVersion},
	}
}

// run is luosim's whole command line: main only calls it.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		args = []string{"run"}
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "-help" || name == "--help" {
		usage(stdout)
		return nil
	}
	if strings.HasPrefix(name, "-") {
		// Flags without a command belong to the default command.
		name, args = "run", append([]string{"run"}, args...)
	}
	for _, c := range commands() {
		if c.name == name {
			err := c.run(args[1:], stdout, stderr)
			if errors.Is(err, errHelp) {
				return nil
			}
			if err != nil && !errors.As(err, new(*failure)) {
				fmt.Fprintf(stderr, "luosim %s: %v\n", name, err)
			}
			return err
		}
	}
	usage(stderr)
	err := &usageError{fmt.Sprintf("unknown command %q", name)}
	fmt.Fprintf(stderr, "luosim: %v\n", err)
	return err
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "luosim simulates the Linux Live Update Orchestrator's locking designs.")
	fmt.Fprintln(w, "\nUsage:\n\n\tluosim <command> [flags] [arguments]\n\nThe commands are:")
	for _, c := range commands() {
		fmt.Fprintf(w, "\t%-9s %s\n", c.name, c.short)
	}
	fmt.Fprintln(w, "\nUse \"luosim <command> -h\" for a command's flags.")
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("luosim "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// flagErr turns a flag-parsing error into luosim's: -h is not an error.
func flagErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return errHelp
	}
	return &usageError{err.Error()}
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return flagErr(err)
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

func runValidate(args []string, stdout, stderr io.Writer) error {
	cfg := bench.DefaultValidateConfig()
	fs := newFlags("validate", stderr)
	fs.IntVar(&cfg.Replications, "count", cfg.Replications, "independent replications per case (≥ 2)")
	fs.IntVar(&cfg.Ops, "ops", cfg.Ops, "measured operations per replication")
	fs.IntVar(&cfg.Workers, "j", runtime.NumCPU(), "replications run in parallel")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "root seed")
	quiet := fs.Bool("q", false, "no status lines on stderr")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Check(); err != nil {
		return &usageError{"bad flags: " + err.Error()}
	}
	if !*quiet {
		fmt.Fprintf(stderr, "luosim: validating against queueing theory: %d replications x %d ops per case, -j %d\n",
			cfg.Replications, cfg.Ops, cfg.Workers)
	}
	checks, err := bench.Validate(cfg)
	if err != nil {
		return &usageError{err.Error()}
	}
	failed, err := bench.WriteChecks(stdout, checks)
	if err != nil {
		return err
	}
	if failed > 0 {
		return &failure{fmt.Sprintf("%d validation checks failed", failed)}
	}
	return nil
}

// versionInfo returns luosim's version, VCS revision and Go version from
// the build information.
func versionInfo() (version, revision, goVersion string) {
	version, revision, goVersion = "(devel)", "unknown", runtime.Version()
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if bi.Main.Version != "" {
		version = bi.Main.Version
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if r := settings["vcs.revision"]; r != "" {
		revision = r
		if settings["vcs.modified"] == "true" {
			revision += "+dirty"
		}
	}
	return
}

// buildID identifies the code that computes results, for merge and
// -resume: the VCS revision of a clean build, else a hash of the running
// executable (development builds all say "(devel)").
var buildID = sync.OnceValue(func() string {
	if _, rev, _ := versionInfo(); rev != "unknown" && !strings.HasSuffix(rev, "+dirty") {
		return "rev:" + rev
	}
	exe, err := os.Executable()
	if err == nil {
		var f *os.File
		if f, err = os.Open(exe); err == nil {
			defer f.Close()
			h := sha256.New()
			if _, err = io.Copy(h, f); err == nil {
				return "exe:" + hex.EncodeToString(h.Sum(nil))[:16]
			}
		}
	}
	return "unknown"
})

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", stderr)
	fs.Bool("q", false, "accepted for uniformity; version prints no status lines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	v, r, g := versionInfo()
	_, err := fmt.Fprintf(stdout, "luosim %s\nrevision %s\ngo %s\n", v, r, g)
	return err
}
