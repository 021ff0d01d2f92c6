// Package sim implements a deterministic discrete-event engine: integer
// nanosecond time, events kept by value in a 4-ary heap, a FIFO fast path for
// zero-delay events, seeded random-number streams, service-time
// distributions and a log-linear histogram of durations.
//
// # Units
//
// Simulated time is a [Time]: an int64 count of nanoseconds since the start of
// the run. Distribution parameters are given in nanoseconds (as Time or as
// float64 where a mean may be fractional); samples are rounded to the nearest
// nanosecond and never negative.
//
// # Determinism
//
// An [Engine] is single-threaded. Events run in (time, sequence) order, where
// the sequence number is the order in which they were scheduled, so events at
// the same instant run first-in first-out and every run of the same model with
// the same seeds executes the same events in the same order. Random numbers
// come only from streams made by [NewRNG], each a PCG generator from
// math/rand/v2 seeded by a SHA-256 hash of (root seed, stream key); the global
// source is never used. The same binary, model and seeds therefore give
// bit-identical results on every run and every host.
//
// # Hot path
//
// Scheduling and dispatching an event allocate nothing once the heap and the
// FIFO have grown to the model's peak size. Handlers are registered once and
// addressed by a small integer, so an event is a 32-byte value with no pointer
// in it.
//
// Package sim knows nothing of locks or of the Live Update Orchestrator; the
// models live in lockmodels and above.
package sim
