module goroutines-in-rust

go 1.19
