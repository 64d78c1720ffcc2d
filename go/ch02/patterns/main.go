// A worker pool, fan-in and a pipeline stage, as the cheat sheet has them.
// Built only: main prints nothing.
package main

import "sync"

// ANCHOR: pool
func worker(jobs <-chan int, results chan<- int) {
	for j := range jobs {
		results <- j * 2
	}
}

func main() {
	jobs := make(chan int, 100)
	results := make(chan int, 100)
	for w := 1; w <= 3; w++ {
		go worker(jobs, results)
	}
	for j := 1; j <= 9; j++ {
		jobs <- j
	}
	close(jobs)
	for a := 1; a <= 9; a++ {
		<-results
	}
}

// ANCHOR_END: pool

func gen(ns ...int) <-chan int {
	out := make(chan int)
	go func() {
		for _, n := range ns {
			out <- n
		}
		close(out)
	}()
	return out
}

// ANCHOR: fanin
func fanIn(channels ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, ch := range channels {
		wg.Add(1)
		go func(c <-chan int) {
			defer wg.Done()
			for v := range c {
				out <- v
			}
		}(ch)
	}
	go func() { wg.Wait(); close(out) }()
	return out
}

// ANCHOR_END: fanin

// ANCHOR: square
func square(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for n := range in {
			out <- n * n
		}
		close(out)
	}()
	return out
}

// ANCHOR_END: square
