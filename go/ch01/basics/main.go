// Starting goroutines: a named function and a function literal.
// Built only: main does not wait, so what it prints is up to the scheduler.
package main

import (
	"fmt"
	"strings"
)

// ANCHOR: show
func countVowels(s string) int {
	n := 0
	for _, r := range s {
		if strings.ContainsRune("aeiou", r) {
			n++
		}
	}
	return n
}

func main() {
	go countVowels("goroutines in go") // the return value is discarded
	go func() {
		fmt.Println("hello from a goroutine")
	}()
	// main does not wait for either of them; more on that soon
}

// ANCHOR_END: show
