package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// Seed derives the two PCG seed words of the stream named by key under the
// root seed. It hashes the root and each key part, length-prefixed, with
// SHA-256, so the result is stable across processes, hosts and Go versions
// and distinct keys give independent streams.
func Seed(root uint64, key ...string) (uint64, uint64) {
	h := sha256.New()
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], root)
	h.Write(buf[:])
	for _, k := range key {
		binary.LittleEndian.PutUint64(buf[:], uint64(len(k)))
		h.Write(buf[:])
		h.Write([]byte(k))
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return binary.LittleEndian.Uint64(sum[0:8]), binary.LittleEndian.Uint64(sum[8:16])
}

// NewRNG returns the random stream named by key under root: a PCG generator
// seeded by [Seed]. Each role in a model (arrivals, service times, ...)
// should have its own stream, so that changing one role's draws leaves the
// others' untouched.
func NewRNG(root uint64, key ...string) *rand.Rand {
	return rand.New(rand.NewPCG(Seed(root, key...)))
}
