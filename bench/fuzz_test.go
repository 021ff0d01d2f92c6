package bench

import (
	"bytes"
	"testing"

	"github.com/luosim/luosim/workload"
)

// fuzzScenario is a sweep small enough to run while seeding fuzz targets.
const fuzzScenario = `name: fuzz
replications: 2
machine: ideal
cpus: [1, 2]
designs: [v3-merged]
handlers: [{name: memfd, preserve: {dist: exp, mean: 5us}, retrieve: {dist: exp, mean: 5us}}]
sessions: {count: 2, files: [{handler: memfd, count: 1}]}
`

func fuzzItems(f *testing.F) (*workload.Scenario, []ItemResult) {
	sc, err := workload.Parse("fuzz.yaml", []byte(fuzzScenario))
	if err != nil {
		f.Fatal(err)
	}
	rs, err := RunItems(sc, Plan(sc), RunConfig{Workers: 1}, nil)
	if err != nil {
		f.Fatal(err)
	}
	return sc, rs
}

// FuzzReadShard: the shard reader never panics; what it accepts it can
// write back, and the rewrite reads back to the same bytes.
func FuzzReadShard(f *testing.F) {
	sc, rs := fuzzItems(f)
	h := ShardHeader{Version: "v1", ScenarioSHA256: sc.SHA256(), Scenario: sc.CanonicalJSON(), Shard: 1, Shards: 2, Items: len(rs)}
	var b bytes.Buffer
	if err := WriteShard(&b, h, []ItemResult{rs[1], rs[3]}); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:b.Len()/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadShard("f.jsonl", data)
		if err != nil {
			return
		}
		var w1, w2 bytes.Buffer
		if err := WriteShard(&w1, s.Header, s.Results); err != nil {
			t.Fatal(err)
		}
		s2, err := ReadShard("f2.jsonl", w1.Bytes())
		if err != nil {
			t.Fatalf("an accepted shard, rewritten, is refused: %v", err)
		}
		if err := WriteShard(&w2, s2.Header, s2.Results); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
			t.Fatal("rewriting an accepted shard is not stable")
		}
		// An accepted complete set combines without panicking.
		if len(s.Results) == s.Header.Items {
			doc, err := Combine(s.Scenario(), "v1", s.Results)
			if err != nil {
				t.Fatalf("a complete accepted shard does not combine: %v", err)
			}
			if _, err := ResultFiles(doc); err != nil {
				t.Fatalf("a complete accepted shard gives result files that do not encode: %v", err)
			}
		}
	})
}

// FuzzReadDocument: the results.json reader never panics, and what it
// accepts re-encodes to a document it accepts again.
func FuzzReadDocument(f *testing.F) {
	sc, rs := fuzzItems(f)
	doc, err := Combine(sc, "v1", rs)
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, doc); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:b.Len()-10])
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadDocument("results.json", data, "v1")
		if err != nil {
			return
		}
		var w bytes.Buffer
		if err := WriteJSON(&w, d); err != nil {
			t.Fatalf("an accepted document does not encode: %v", err)
		}
		if _, err := ReadDocument("again.json", w.Bytes(), "v1"); err != nil {
			t.Fatalf("an accepted document, re-encoded, is refused: %v", err)
		}
	})
}
