// Buggy on purpose: main returns without waiting, so the process exits and takes
// unfinished goroutines with it. Run it a few times: go run ./ch01/forgetting-to-wait
package main

import "fmt"

// ANCHOR: show
func main() {
	for i := 0; i < 5; i++ {
		go fmt.Println("task", i)
	}
} // main returns here and the process exits: any of the five lines may be missing

// ANCHOR_END: show
