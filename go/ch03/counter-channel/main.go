// The guide's channel counter, with its three bugs on purpose: the count is never
// reported, nobody waits for the senders, and the counting goroutine leaks. Built only.
package main

// ANCHOR: show
func countWithChannel() {
	counterCh := make(chan int)
	go func() {
		count := 0
		for range counterCh {
			count++
		}
		// `count` is never reported: nobody can read the total
	}()
	for i := 0; i < 100; i++ {
		go func() { counterCh <- 1 }() // nobody waits for these senders
	}
	// counterCh is never closed, so the counting goroutine never ends: a leak
}

// ANCHOR_END: show

func main() {
	countWithChannel()
}
