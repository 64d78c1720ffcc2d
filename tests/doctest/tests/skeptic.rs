// The tests skeptic generated from the book (see build.rs).
include!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));
