// A loop with no function calls: preempted by a signal since Go 1.14.
// Built only: it never ends.
package main

// ANCHOR: show
func spin() {
	// Before Go 1.14, this loop could starve every other goroutine on its thread.
	// Since Go 1.14, the runtime preempts it with a signal.
	for {
		// no function calls, no channel operations
	}
}

// ANCHOR_END: show

func main() {
	go spin()
}
