package bench_test

import (
	"bytes"
	"fmt"

	"github.com/luosim/luosim/bench"
	"github.com/luosim/luosim/workload"
)

// A sweep split three ways and merged back gives the document of the
// whole run: each item's result is a pure function of (scenario, item).
func ExampleMerge() {
	sc, err := workload.Parse("sweep.yaml", []byte(`
name: example
replications: 2
machine: ideal
cpus: [1, 2]
designs: [v1-per-file, v3-merged]
handlers: [{name: memfd, preserve: {dist: exp, mean: 5us}, retrieve: {dist: exp, mean: 5us}}]
sessions: {count: 2, files: [{handler: memfd, count: 2}]}
`))
	if err != nil {
		panic(err)
	}
	fmt.Println(len(bench.Plan(sc)), "items")

	var shards []*bench.Shard
	for i := 0; i < 3; i++ {
		items := bench.ShardItems(sc, i, 3) // index mod 3 == i
		results, err := bench.RunItems(sc, items, bench.RunConfig{Workers: 2}, nil)
		if err != nil {
			panic(err)
		}
		var file bytes.Buffer
		bench.WriteShard(&file, bench.ShardHeader{Version: "v1", ScenarioSHA256: sc.SHA256(),
			Scenario: sc.CanonicalJSON(), Shard: i, Shards: 3, Items: len(bench.Plan(sc))}, results)
		s, err := bench.ReadShard(bench.ShardName(i, 3, false), file.Bytes())
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: %d items\n", s.Name, len(s.Results))
		shards = append(shards, s)
	}
	merged, results, err := bench.Merge(shards, "v1", "")
	if err != nil {
		panic(err)
	}
	a, _ := bench.Combine(merged, "v1", results)
	b := bench.Run(sc, bench.RunConfig{Version: "v1", Workers: 2})
	var ja, jb bytes.Buffer
	bench.WriteJSON(&ja, a)
	bench.WriteJSON(&jb, b)
	fmt.Println("merged == whole run:", bytes.Equal(ja.Bytes(), jb.Bytes()))
	// Output:
	// 8 items
	// shard-0000-of-0003.jsonl: 3 items
	// shard-0001-of-0003.jsonl: 3 items
	// shard-0002-of-0003.jsonl: 2 items
	// merged == whole run: true
}
