package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/luosim/luosim/bench"
)

// TestInterrupt: SIGINT or SIGTERM during run stops it with exit status
// 130 or 143 and leaves no result files, at most a checkpoint of the
// completed items for -resume.
func TestInterrupt(t *testing.T) {
	dir, bin := buildLuosim(t)
	long := filepath.Join(dir, "long.yaml")
	// A sweep that takes far longer than the test waits.
	src := `name: long
replications: 50
machine: xeon2s-icx
cpus: [1, 2, 4, 8, 16, 32, 64]
designs: [v0-pinned, v1-per-file, v2-no-refcount, v3-merged, global-mutex]
handlers: [{name: memfd, preserve: {dist: exp, mean: 100us}, retrieve: {dist: exp, mean: 80us}}]
sessions: {count: 2000, files: [{handler: memfd, count: 50}]}
`
	if err := os.WriteFile(long, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		out := filepath.Join(dir, "out-"+tt.sig.String())
		cmd := exec.Command(bin, "run", "-q", "-j", "2", "-max-events", "1e12", "-o", out, long)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(700 * time.Millisecond)
		cmd.Process.Signal(tt.sig)
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != tt.code {
			t.Errorf("%v: %v, want exit status %d", tt.sig, err, tt.code)
		}
		// Only a checkpoint of the completed items may be left, named
		// so that it cannot pass for a complete result.
		names, _ := filepath.Glob(filepath.Join(out, "*"))
		for _, n := range names {
			if filepath.Base(n) != bench.ShardName(0, 1, true) {
				t.Errorf("%v: an interrupted run left %s", tt.sig, n)
				continue
			}
			data, _ := os.ReadFile(n)
			if s, err := bench.ReadShard(n, data); err != nil || !s.Header.Partial {
				t.Errorf("%v: checkpoint %s: %v", tt.sig, n, err)
			}
		}
	}
}

// TestInterruptResume: items completed before a SIGINT are kept, and
// -resume finishes the run to the bytes of an uninterrupted one.
func TestInterruptResume(t *testing.T) {
	dir, bin := buildLuosim(t)
	// Thousands of small items: some complete before the signal, most after.
	args := []string{"run", "-q", "-j", "2", "-count", "80", "-design", "v1-per-file,v3-merged"}
	out := filepath.Join(dir, "out")
	cmd := exec.Command(bin, append(args, "-o", out)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if err == nil {
		t.Skip("the run finished before the signal; nothing to resume")
	}
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("%v, want exit status 130", err)
	}
	ck := filepath.Join(out, bench.ShardName(0, 1, true))
	data, err := os.ReadFile(ck)
	if err != nil {
		t.Skip("no item completed before the signal")
	}
	s, err := bench.ReadShard(ck, data)
	if err != nil || len(s.Results) == 0 || len(s.Results) == s.Header.Items {
		t.Fatalf("checkpoint: %v, %d of %d items", err, len(s.Results), s.Header.Items)
	}
	if _, err := os.Stat(filepath.Join(out, "results.json")); err == nil {
		t.Fatal("an interrupted run wrote results.json")
	}
	if b, err := exec.Command(bin, append(args, "-resume", "-o", out)...).CombinedOutput(); err != nil {
		t.Fatalf("-resume: %v\n%s", err, b)
	}
	whole := filepath.Join(dir, "whole")
	if b, err := exec.Command(bin, append(args, "-o", whole)...).CombinedOutput(); err != nil {
		t.Fatalf("whole run: %v\n%s", err, b)
	}
	sameOutputs(t, whole, out)
	t.Logf("resumed after %d of %d items", len(s.Results), s.Header.Items)
}

// buildLuosim builds the command into a temporary directory (signals go
// to a process of its own); it skips the test with -short.
func buildLuosim(t *testing.T) (dir, bin string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the command")
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "luosim")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return dir, bin
}
