module goroutines-in-rust/bench

go 1.19
