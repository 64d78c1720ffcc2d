// Command bench measures goroutines the way listing ch01-20-threads-vs-tasks-bench
// measures threads and tokio tasks: the same loops, counts and medians. The Rust
// benchmark runs it and reads the "name value" lines it prints.
// Run: go run . -reps 7 -spawns 200000 -batch 1000 -trips 200000 -parked 100000
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"
)

// median runs the measurement reps times and returns the middle result.
func median(reps int, run func() float64) float64 {
	samples := make([]float64, reps)
	for i := range samples {
		samples[i] = run()
	}
	sort.Float64s(samples)
	return samples[len(samples)/2]
}

func nsPer(elapsed time.Duration, n int) float64 {
	return float64(elapsed.Nanoseconds()) / float64(n)
}

// spawnWait starts one goroutine at a time and waits for it to finish before the next.
func spawnWait(n int) float64 {
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() { wg.Done() }()
		wg.Wait()
	}
	return nsPer(time.Since(start), n)
}

// spawnBatch starts batch goroutines, then waits for all of them, n/batch times.
func spawnBatch(n, batch int) float64 {
	var wg sync.WaitGroup
	rounds := n / batch
	start := time.Now()
	for r := 0; r < rounds; r++ {
		wg.Add(batch)
		for i := 0; i < batch; i++ {
			go func() { wg.Done() }()
		}
		wg.Wait()
	}
	return nsPer(time.Since(start), rounds*batch)
}

// roundTrip sends n messages from a ping goroutine to a pong goroutine and back, over
// unbuffered channels. Both are spawned goroutines; main only waits for the result.
func roundTrip(n int) float64 {
	result := make(chan float64)
	go func() {
		toPong, toPing := make(chan int), make(chan int)
		pongDone := make(chan struct{})
		go func() {
			for m := range toPong {
				toPing <- m
			}
			close(pongDone)
		}()
		toPong <- 0 // warm-up: pong is running from here on
		<-toPing
		start := time.Now()
		for i := 0; i < n; i++ {
			toPong <- i
			if got := <-toPing; got != i {
				panic(fmt.Sprintf("sent %d, got %d back", i, got))
			}
		}
		elapsed := time.Since(start)
		close(toPong)
		<-pongDone
		result <- nsPer(elapsed, n)
	}()
	return <-result
}

// liveBytes returns the heap bytes in live objects and the bytes of goroutine stacks in
// use, after a collection, so that garbage from earlier work is not counted.
func liveBytes() (heap, stack int64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc), int64(m.StackInuse)
}

// park starts n goroutines that all block on one channel, and measures what they hold
// while they wait.
func park(n int) (heap, stack int64) {
	var parked, finished sync.WaitGroup
	open := make(chan struct{})
	heapBefore, stackBefore := liveBytes()
	parked.Add(n)
	finished.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			parked.Done()
			<-open
			finished.Done()
		}()
	}
	// Each goroutine blocks on open right after its Done; at most one per P can still
	// be between the two when Wait returns.
	parked.Wait()
	heapAfter, stackAfter := liveBytes()
	close(open)
	finished.Wait()
	return heapAfter - heapBefore, stackAfter - stackBefore
}

func main() {
	reps := flag.Int("reps", 7, "timed runs per measurement (the median is printed)")
	spawns := flag.Int("spawns", 200000, "goroutines spawned per timed run")
	batch := flag.Int("batch", 1000, "goroutines per batch")
	trips := flag.Int("trips", 200000, "round trips per timed run")
	parkedN := flag.Int("parked", 100000, "goroutines parked at once")
	flag.Parse()

	// Parking first, before any goroutine has exited: the runtime keeps exited
	// goroutines and their stacks for reuse, which would hide what a new one costs.
	heap, stack := park(*parkedN)
	fmt.Printf("parked %d\n", *parkedN)
	fmt.Printf("parked_heap_bytes %d\n", heap)
	fmt.Printf("parked_stack_bytes %d\n", stack)
	fmt.Printf("spawn_ns %.1f\n", median(*reps, func() float64 { return spawnWait(*spawns) }))
	fmt.Printf("batch_ns %.1f\n", median(*reps, func() float64 { return spawnBatch(*spawns, *batch) }))
	fmt.Printf("round_trip_ns %.1f\n", median(*reps, func() float64 { return roundTrip(*trips) }))
	fmt.Printf("go_version %s\n", runtime.Version())
	fmt.Printf("gomaxprocs %d\n", runtime.GOMAXPROCS(0))
}
