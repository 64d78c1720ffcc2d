// A producer goroutine sends five numbers and closes the channel; main ranges over it.
// Run: go run ./ch04/sync-channel (about 2.5 seconds)
package main

import (
	"fmt"
	"time"
)

// ANCHOR: show
func main() {
	ch := make(chan int)
	go func() {
		for i := 1; i <= 5; i++ {
			ch <- i
			time.Sleep(500 * time.Millisecond)
		}
		close(ch)
	}()
	for num := range ch {
		fmt.Println("Received:", num)
	}
	fmt.Println("Channel closed, program exits")
}

// ANCHOR_END: show
