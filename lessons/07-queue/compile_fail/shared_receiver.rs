// Lesson 07, does not compile: four threads sharing one std receiver
// through an Arc, without the Mutex. A `Receiver` may move to another
// thread (it is `Send`) but not be used by two at once (it is not `Sync`).
use std::sync::Arc;
use std::sync::mpsc;
use std::thread;

fn main() {
    let (to_queue, queue) = mpsc::channel::<u32>();
    let queue = Arc::new(queue);
    for _ in 0..4 {
        let queue = Arc::clone(&queue);
        thread::spawn(move || {
            for item in queue.iter() {
                println!("Processed {item}");
            }
        });
    }
    drop(to_queue);
}
