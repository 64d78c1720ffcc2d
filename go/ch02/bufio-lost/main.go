// A goroutine writes through a bufio.Writer and never flushes it (chapter 2, Gotchas).
// When main returns, the process ends, and the buffered lines are never written.
// Run: go run ./ch02/bufio-lost (prints only main's line)
package main

import (
	"bufio"
	"fmt"
	"os"
)

// ANCHOR: show
func main() {
	wrote := make(chan int)
	go func() {
		out := bufio.NewWriter(os.Stdout) // a 4096-byte buffer
		for i := 1; i <= 3; i++ {
			fmt.Fprintf(out, "worker: line %d\n", i)
		}
		wrote <- 3
		select {} // more lines would come here, but main doesn't wait for them
	}()
	n := <-wrote
	fmt.Printf("main: the worker has written %d lines; returning\n", n)
}

// ANCHOR_END: show
