package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// tinySweep is a scenario small enough to run every shard of a deploy
// example in a test.
const tinySweep = `name: tiny-sweep
replications: 2
machine: xeon2s-icx
cpus: [1, 2]
designs: [v1-per-file, v3-merged]
handlers: [{name: memfd, preserve: {dist: exp, mean: 20us}, retrieve: {dist: exp, mean: 10us}}]
sessions: {count: 4, files: [{handler: memfd, count: 2}]}
`

// deployRun runs one command line found in a deploy example after
// substituting its variables, and fails the test unless it parses and
// succeeds as a luosim invocation.
func deployRun(t *testing.T, line string, vars map[string]string) {
	t.Helper()
	line = regexp.MustCompile(`\$\{(\w+)(:-[^}]*)?\}|\$(\w+)`).ReplaceAllStringFunc(line, func(m string) string {
		name := strings.Trim(m, "${}")
		name, _, _ = strings.Cut(name, ":-")
		v, ok := vars[name]
		if !ok {
			t.Fatalf("%q: no value for $%s", line, name)
		}
		return v
	})
	args := strings.Fields(strings.ReplaceAll(line, `"`, ""))
	if len(args) < 2 || args[0] != "luosim" {
		t.Fatalf("%q is not a luosim command", line)
	}
	var out, errOut bytes.Buffer
	if err := run(args[1:], &out, &errOut); err != nil {
		t.Fatalf("%q: %v\n%s", line, err, errOut.String())
	}
}

func writeTiny(t *testing.T) (scenario, dir string) {
	dir = t.TempDir()
	scenario = filepath.Join(dir, "tiny.yaml")
	if err := os.WriteFile(scenario, []byte(tinySweep), 0o644); err != nil {
		t.Fatal(err)
	}
	return scenario, dir
}

// TestDeploySlurm runs the array task's and the merge job's commands of
// deploy/slurm/sweep.sbatch as Slurm would, with 3 array tasks.
func TestDeploySlurm(t *testing.T) {
	src, err := os.ReadFile("../../deploy/slurm/sweep.sbatch")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	for _, want := range []string{"#SBATCH --array=", "--dependency=afterok:", "-shard auto"} {
		if !strings.Contains(text, want) {
			t.Errorf("sweep.sbatch lacks %q", want)
		}
	}
	shard := regexp.MustCompile(`(?m)^\$LUOSIM run .*$`).FindString(text)
	merge := regexp.MustCompile(`\$LUOSIM merge [^"]*`).FindString(text)
	if shard == "" || merge == "" {
		t.Fatalf("no shard or merge command in sweep.sbatch")
	}
	scenario, dir := writeTiny(t)
	out := filepath.Join(dir, "out")
	vars := map[string]string{"LUOSIM": "luosim", "SCENARIO": scenario, "OUT": out, "SLURM_CPUS_PER_TASK": "2"}
	const tasks = 3
	t.Setenv("SLURM_ARRAY_TASK_COUNT", strconv.Itoa(tasks))
	for i := 0; i < tasks; i++ {
		t.Setenv("SLURM_ARRAY_TASK_ID", strconv.Itoa(i))
		deployRun(t, shard, vars)
	}
	deployRun(t, merge, vars)
	if _, err := os.Stat(filepath.Join(out, "merged", "results.json")); err != nil {
		t.Fatalf("the merge job left no results: %v", err)
	}
}

// TestDeployKubernetes runs every index of the Indexed Job and then the
// merge Job of deploy/k8s/sweep-job.yaml, with their own arguments.
func TestDeployKubernetes(t *testing.T) {
	f, err := os.Open("../../deploy/k8s/sweep-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type container struct {
		Command []string `yaml:"command"`
		Args    []string `yaml:"args"`
		Env     []struct {
			Name  string `yaml:"name"`
			Value string `yaml:"value"`
		} `yaml:"env"`
	}
	type job struct {
		Kind     string `yaml:"kind"`
		Metadata struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
		Spec struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int    `yaml:"completions"`
			Template       struct {
				Spec struct {
					InitContainers []container `yaml:"initContainers"`
					Containers     []container `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	var sweep, merge *job
	dec := yaml.NewDecoder(f)
	for {
		var j job
		if err := dec.Decode(&j); err != nil {
			break
		}
		switch {
		case j.Kind == "Job" && j.Spec.CompletionMode == "Indexed":
			sweep = &j
		case j.Kind == "Job":
			merge = &j
		}
	}
	if sweep == nil || merge == nil {
		t.Fatal("want an Indexed Job and a merge Job")
	}
	scenario, dir := writeTiny(t)
	results := filepath.Join(dir, "results")
	line := func(c container) string {
		if len(c.Command) != 1 || c.Command[0] != "luosim" {
			t.Fatalf("container command %v, want [luosim]", c.Command)
		}
		s := "luosim " + strings.Join(c.Args, " ")
		s = strings.ReplaceAll(s, "/scenario/scenario.yaml", scenario)
		return strings.ReplaceAll(s, "$(OUT)", results)
	}
	shardLine := line(sweep.Spec.Template.Spec.Containers[0])
	n := sweep.Spec.Completions
	if !strings.Contains(shardLine, fmt.Sprintf("-shards %d ", n)) {
		t.Errorf("%q: -shards should equal completions (%d)", shardLine, n)
	}
	wait := strings.Join(merge.Spec.Template.Spec.InitContainers[0].Command, " ")
	outs := map[string]bool{}
	for _, c := range []container{sweep.Spec.Template.Spec.Containers[0], merge.Spec.Template.Spec.InitContainers[0], merge.Spec.Template.Spec.Containers[0]} {
		for _, e := range c.Env {
			if e.Name == "OUT" {
				outs[e.Value] = true
			}
		}
	}
	if len(outs) != 1 {
		t.Errorf("the shards, the wait and the merge use OUT %v, want one directory", outs)
	}
	if !strings.Contains(wait, fmt.Sprintf("-of-%04d.jsonl", n)) || !strings.Contains(wait, fmt.Sprintf("-eq %d", n)) {
		t.Errorf("the merge Job's wait %q does not wait for %d shards", wait, n)
	}
	for i := 0; i < n; i++ {
		t.Setenv("JOB_COMPLETION_INDEX", strconv.Itoa(i))
		deployRun(t, shardLine, nil)
	}
	deployRun(t, line(merge.Spec.Template.Spec.Containers[0]), nil)
	if _, err := os.Stat(filepath.Join(results, "merged", "results.json")); err != nil {
		t.Fatalf("the merge Job left no results: %v", err)
	}
}
