// Buggy on purpose: a processor goroutine waits on a channel nobody sends to, and never
// returns. Run: go run ./ch03/leak-processor -trials 100 (in how many trials it stayed).
package main

import (
	"flag"
	"fmt"
	"runtime"
	"time"
)

var dataChannel = make(chan int)

func process(data int) {}

// ANCHOR: show
func startProcessor() {
	go func() {
		for {
			data := <-dataChannel // blocks forever if nobody ever sends
			process(data)
		}
	}()
}

// ANCHOR_END: show

func main() {
	trials := flag.Int("trials", 1, "how many processors to start, one per trial")
	flag.Parse()
	stayed := 0
	for t := 0; t < *trials; t++ {
		before := runtime.NumGoroutine()
		startProcessor()
		time.Sleep(time.Millisecond) // it has had time to run and to block
		if runtime.NumGoroutine() == before+1 {
			stayed++
		}
	}
	fmt.Printf("%d of %d\n", stayed, *trials)
}
