// Five workers stopped by cancelling a context; main then sleeps a second and hopes
// they have finished. Built only: it takes six seconds.
package main

import (
	"context"
	"fmt"
	"time"
)

// ANCHOR: show
func worker(ctx context.Context, id int) {
	for {
		select {
		case <-ctx.Done():
			fmt.Printf("worker %d shutting down\n", id)
			return
		default:
			time.Sleep(time.Second) // do work
		}
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	for i := 0; i < 5; i++ {
		go worker(ctx, i)
	}
	time.Sleep(5 * time.Second)
	cancel()
	time.Sleep(time.Second) // wait for cleanup
}

// ANCHOR_END: show
