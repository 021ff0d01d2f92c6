package lockmodels

// ring is a FIFO of waiters. It grows by doubling and never shrinks, so a
// lock's steady state allocates nothing.
type ring[T any] struct {
	buf  []T
	head int
	n    int
}

func (q *ring[T]) len() int { return q.n }

func (q *ring[T]) push(v T) {
	if q.n == len(q.buf) {
		size := 2 * len(q.buf)
		if size == 0 {
			size = 8
		}
		grown := make([]T, size)
		for i := 0; i < q.n; i++ {
			grown[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = grown, 0
	}
	q.buf[(q.head+q.n)%len(q.buf)] = v
	q.n++
}

// peek returns a pointer to the i-th waiter from the head.
func (q *ring[T]) at(i int) *T { return &q.buf[(q.head+i)%len(q.buf)] }

func (q *ring[T]) pop() T {
	v := q.buf[q.head]
	var zero T
	q.buf[q.head] = zero
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return v
}

// removeAt deletes the i-th waiter, keeping the order of the others.
func (q *ring[T]) removeAt(i int) T {
	v := *q.at(i)
	for j := i; j > 0; j-- {
		*q.at(j) = *q.at(j - 1)
	}
	q.pop()
	return v
}
