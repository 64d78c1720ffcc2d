// A worker pool, a merge of several channels, and a worker stopped by a deadline: main
// returns without waiting for the worker, so the worker's own line is often lost.
// Run: go run ./ch04/patterns (takes two seconds: the deadline fires first)
package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// ANCHOR: pool
func pool(numJobs, numWorkers int) {
	jobs := make(chan int, numJobs)
	results := make(chan int, numJobs)
	for w := 1; w <= numWorkers; w++ {
		go worker(w, jobs, results) // for j := range jobs { results <- j * 2 }
	}
	for j := 1; j <= numJobs; j++ {
		jobs <- j
	}
	close(jobs)
	for a := 1; a <= numJobs; a++ {
		<-results
	}
}

// ANCHOR_END: pool

func worker(id int, jobs <-chan int, results chan<- int) {
	for j := range jobs {
		results <- j * 2
	}
}

// ANCHOR: merge
func merge(cs ...<-chan int) <-chan int {
	var wg sync.WaitGroup
	out := make(chan int)
	wg.Add(len(cs))
	for _, c := range cs {
		go func(c <-chan int) {
			defer wg.Done()
			for n := range c {
				out <- n
			}
		}(c)
	}
	go func() { wg.Wait(); close(out) }() // close out once every forwarder is done
	return out
}

// ANCHOR_END: merge

// ANCHOR: deadline
func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	go slowWorker(ctx)
	select {
	case <-ctx.Done():
		fmt.Println("Main:", ctx.Err())
	case <-time.After(3 * time.Second):
		fmt.Println("Worker completed successfully")
	}
} // main returns here, and the process exits with it

func slowWorker(ctx context.Context) {
	select {
	case <-time.After(3 * time.Second): // the work takes three seconds
		fmt.Println("Worker: completed work")
	case <-ctx.Done():
		fmt.Println("Worker:", ctx.Err()) // may never be printed
	}
}

// ANCHOR_END: deadline

func init() {
	pool(5, 3)
	c := make(chan int)
	close(c)
	for range merge(c) {
	}
}
