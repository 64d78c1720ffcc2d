// The guide's pitfalls as written, buggy on purpose where it says so: a loop that only
// a closed channel ends, a racy counter, and a shared loop variable. Built only.
package main

import "fmt"

func process(data int) {}

// ANCHOR: drain
func consume(ch chan int) {
	go func() {
		for {
			data, ok := <-ch
			if !ok {
				return // the only way out: ch is closed
			}
			process(data)
		}
	}()
}

// ANCHOR_END: drain

// ANCHOR: race
func race() {
	counter := 0
	go func() { counter++ }()
	go func() { counter++ }()
}

// ANCHOR_END: race

// ANCHOR: loop
func loop() {
	for i := 0; i < 10; i++ {
		go func() {
			fmt.Println(i) // "all might print the same value (10)"
		}()
	}
}

// ANCHOR_END: loop

func main() {
	consume(make(chan int))
	race()
	loop()
}
