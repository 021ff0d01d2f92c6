package main

import (
	"fmt"
	"strconv"
	"strings"
)

// shardSpec is which part of a sweep a run does: shard i of n (n = 1: all).
type shardSpec struct{ i, n int }

// autoSources are the batch systems' environment variables -shard auto
// reads, in order (style.md §3): the index, the count (empty: from
// -shards), and whether the index counts from 1.
var autoSources = []struct {
	index, count string
	oneBased     bool
}{
	{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", false},
	{"JOB_COMPLETION_INDEX", "", false}, // Kubernetes Indexed Job
	{"PARALLEL_SEQ", "", true},          // GNU parallel
	{"AWS_BATCH_JOB_ARRAY_INDEX", "", false},
	{"BATCH_TASK_INDEX", "BATCH_TASK_COUNT", false}, // Google Cloud Batch
}

// parseShard reads -shard: "" (the whole sweep), "i/n", or "auto", which
// takes the index (and count, where the batch system gives one) from the
// environment; shards is -shards, the count when the environment has none.
func parseShard(spec string, shards int, getenv func(string) string) (shardSpec, error) {
	switch spec {
	case "":
		if shards != 0 {
			return shardSpec{}, &usageError{"-shards is only for -shard auto"}
		}
		return shardSpec{0, 1}, nil
	case "auto":
		return autoShard(shards, getenv)
	}
	if shards != 0 {
		return shardSpec{}, &usageError{"-shards is only for -shard auto (-shard i/n gives the count)"}
	}
	is, ns, ok := strings.Cut(spec, "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return shardSpec{}, &usageError{fmt.Sprintf("-shard %q: want i/n with 0 <= i < n, or auto", spec)}
	}
	return shardSpec{i, n}, nil
}

func autoShard(shards int, getenv func(string) string) (shardSpec, error) {
	if shards < 0 {
		return shardSpec{}, &usageError{fmt.Sprintf("-shards %d: want a positive count", shards)}
	}
	for _, src := range autoSources {
		v := getenv(src.index)
		if v == "" {
			continue
		}
		i, err := strconv.Atoi(v)
		if err != nil {
			return shardSpec{}, &usageError{fmt.Sprintf("-shard auto: %s=%q is not a number", src.index, v)}
		}
		if src.oneBased {
			i--
		}
		if src.index == "SLURM_ARRAY_TASK_ID" {
			// Arrays may start anywhere (--array=1-64): count from the minimum.
			if m := getenv("SLURM_ARRAY_TASK_MIN"); m != "" {
				lo, err := strconv.Atoi(m)
				if err != nil {
					return shardSpec{}, &usageError{fmt.Sprintf("-shard auto: SLURM_ARRAY_TASK_MIN=%q is not a number", m)}
				}
				i -= lo
			}
		}
		n := shards
		if src.count != "" && getenv(src.count) != "" {
			c, err := strconv.Atoi(getenv(src.count))
			if err != nil || c < 1 {
				return shardSpec{}, &usageError{fmt.Sprintf("-shard auto: %s=%q is not a positive count", src.count, getenv(src.count))}
			}
			if shards != 0 && shards != c {
				return shardSpec{}, &usageError{fmt.Sprintf("-shard auto: -shards %d disagrees with %s=%d", shards, src.count, c)}
			}
			n = c
		}
		if n == 0 {
			return shardSpec{}, &usageError{fmt.Sprintf("-shard auto: %s gives the index but not the count: pass -shards N", src.index)}
		}
		if i < 0 || i >= n {
			return shardSpec{}, &usageError{fmt.Sprintf("-shard auto: index %d from %s is outside 0..%d", i, src.index, n-1)}
		}
		return shardSpec{i, n}, nil
	}
	names := make([]string, len(autoSources))
	for k, s := range autoSources {
		names[k] = s.index
	}
	return shardSpec{}, &usageError{"-shard auto: none of " + strings.Join(names, ", ") + " is set"}
}
