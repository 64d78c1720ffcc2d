// Buggy on purpose: main does not wait for doWork. Run it a few times:
// go run ./ch03/exiting-main
package main

import "fmt"

func doWork() { fmt.Println("work done") }

// ANCHOR: show
func main() {
	go doWork()
	// main returns at once; doWork may never run, or stop half-way
}

// ANCHOR_END: show
