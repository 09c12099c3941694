//! Calling an `async fn` runs none of its body: it makes a future, which
//! does nothing until it is awaited or spawned. rustc warns; `deny` makes
//! the warning an error here, so that it is checked like the others.
#![deny(unused_must_use)]

async fn print_numbers() {
    println!("Number : 0");
}

fn main() {
    print_numbers(); // prints nothing: the future is made, then dropped
}
