//! The tests of exercise 10-bounded-queue: first in, first out; `put`
//! waits while the queue is full and `get` while it is empty, each woken
//! when that changes; a thread that wakes looks again before it goes on;
//! `close` wakes every waiting thread; and with several producers and
//! consumers at once, every item arrives once, in order from each
//! producer, round after round, and no thread is left waiting.
//!
//! The tests see a thread wait: each call that should wait runs on a
//! thread of its own ([`Watched`]), and Linux says when that thread is
//! asleep, waiting to be woken.

use std::fmt::Debug;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use exercise::{BoundedQueue, Closed};
use exercise_support::{Now, Watched, within};

/// Time enough for any call here to return, or a thread to fall asleep,
/// on a busy machine; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(2);
/// How many times the tests that depend on which thread is quicker run.
const ROUNDS: usize = 10;

/// A new queue, shared; `new` runs within the time limit.
#[track_caller]
fn queue<T: Send + 'static>(capacity: usize) -> Arc<BoundedQueue<T>> {
    Arc::new(within(LIMIT, "BoundedQueue::new", move || {
        BoundedQueue::new(capacity)
    }))
}

/// Runs `call` on the queue from this test's thread, within the limit.
#[track_caller]
fn on<T, R>(
    queue: &Arc<BoundedQueue<T>>,
    what: &str,
    call: impl FnOnce(&BoundedQueue<T>) -> R + Send + 'static,
) -> R
where
    T: Send + 'static,
    R: Send + 'static,
{
    let queue = Arc::clone(queue);
    within(LIMIT, what, move || call(&queue))
}

/// Starts `call` on the queue on a thread of its own, which the test
/// watches.
fn watch<T, R>(
    queue: &Arc<BoundedQueue<T>>,
    what: &str,
    call: impl FnOnce(&BoundedQueue<T>) -> R + Send + 'static,
) -> Watched<R>
where
    T: Send + 'static,
    R: Send + 'static,
{
    let queue = Arc::clone(queue);
    Watched::start(what, move || call(&queue))
}

/// Fails the test unless `call` falls asleep: it must wait, because the
/// queue is `why`. Gives the call back, still waiting.
#[track_caller]
fn must_wait<R>(call: Watched<R>, what: &str, why: &str) -> Watched<R>
where
    R: Send + Debug + 'static,
{
    match call.settle(LIMIT) {
        Now::Asleep => call,
        Now::Returned => {
            // A panic in the call fails here, with its own message.
            let returned = call.join(LIMIT);
            panic!(
                "{what} returned ({returned:?}) at once, on a queue that is \
                 {why}: it must wait.\n\
                 hint: wait on a Condvar (`guard = condvar.wait(guard)`) for as \
                 long as the queue is {why}."
            )
        }
        Now::Running => panic!(
            "{what}, on a queue that is {why}, neither returned nor fell asleep \
             within {:.0} s: does it spin in a loop?\n\
             hint: wait on a Condvar, which sleeps until another thread wakes it.",
            LIMIT.as_secs_f64()
        ),
    }
}

/// Waits for every call to return, all of them within one time limit;
/// what each returned, or `None` for one that still waits then.
fn join_all<R: Send + 'static>(calls: Vec<Watched<R>>) -> Vec<Option<R>> {
    let deadline = Instant::now() + LIMIT;
    (calls.into_iter())
        .map(|call| call.join(deadline.saturating_duration_since(Instant::now())))
        .collect()
}

#[test]
fn first_in_first_out_and_closed_for_good() {
    let (puts, got) = within(LIMIT, "put and get", || {
        let queue = BoundedQueue::new(3);
        let mut puts: Vec<_> = [7, 8, 9].into_iter().map(|n| queue.put(n)).collect();
        let mut got = vec![queue.get(), queue.get()];
        puts.push(queue.put(10));
        got.extend([queue.get(), queue.get()]);
        (puts, got)
    });
    assert!(
        puts.iter().all(Result::is_ok),
        "every put on a queue with room succeeds"
    );
    assert_eq!(
        got,
        [Some(7), Some(8), Some(9), Some(10)],
        "first in, first out: a VecDeque's push_back and pop_front"
    );
    let (put_after, drained) = within(LIMIT, "close", || {
        let queue = BoundedQueue::new(2);
        let _ = queue.put("a");
        queue.close();
        let put_after = queue.put("b");
        (put_after, [queue.get(), queue.get(), queue.get()])
    });
    assert_eq!(
        put_after,
        Err(Closed("b")),
        "a put on a closed queue fails, and gives its item back"
    );
    assert_eq!(
        drained,
        [Some("a"), None, None],
        "a closed queue hands out what it still holds, then None, for good"
    );
}

#[test]
fn put_waits_while_the_queue_is_full() {
    let queue = queue(3);
    // A producer with ten items, and nobody taking any.
    let put = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&put);
    let producer = watch(&queue, "the producer's put", move |queue| {
        for n in 0..10 {
            let _ = queue.put(n);
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    let producer = must_wait(producer, "the producer's fourth put", "full");
    let held = put.load(Ordering::SeqCst);
    assert_eq!(
        held, 3,
        "the producer's puts returned {held} times before one waited, into a \
         queue of capacity 3 that nobody took from: it must hold at most 3"
    );
    let first = on(&queue, "get", BoundedQueue::get);
    assert_eq!(first, Some(0), "the first item put");
    let producer = must_wait(producer, "the producer's fifth put", "full again");
    assert_eq!(
        put.load(Ordering::SeqCst),
        4,
        "a get made room for one item: the waiting put must go on, and the \
         next one wait.\n\
         hint: a get must wake a producer that waits for room (notify_one on \
         the Condvar where producers wait)."
    );
    let rest: Vec<_> = (1..10)
        .map(|_| on(&queue, "get", BoundedQueue::get))
        .collect();
    assert_eq!(rest, (1..10).map(Some).collect::<Vec<_>>());
    assert!(
        producer.join(LIMIT).is_some(),
        "the producer put its ten items"
    );
}

#[test]
fn get_waits_while_the_queue_is_empty() {
    let queue = queue(2);
    let consumer =
        must_wait(watch(&queue, "get", BoundedQueue::get), "get", "empty");
    let put = on(&queue, "put", |queue| queue.put(5));
    assert_eq!(put, Ok(()));
    assert_eq!(
        consumer.join(LIMIT),
        Some(Some(5)),
        "a put brought an item, and the waiting get must return it.\n\
         hint: a put must wake a consumer that waits for an item (notify_one on \
         the Condvar where consumers wait)."
    );
}

#[test]
fn a_woken_producer_looks_again_for_room() {
    for _ in 0..ROUNDS {
        let queue = queue(1);
        on(&queue, "put", |queue| queue.put(0)).expect("an open queue");
        let waiting = watch(&queue, "put(1)", |queue| queue.put(1));
        let waiting = must_wait(waiting, "put(1)", "full");
        // Another thread takes the item, which wakes the waiting producer,
        // and at once puts one of its own: the place is gone before the
        // woken producer has the lock again, most times.
        let other = watch(&queue, "get, then put(2)", |queue| {
            (queue.get(), queue.put(2))
        });
        let other_now = other.settle(LIMIT);
        let waiting_now = waiting.settle(LIMIT);
        assert!(
            !(other_now == Now::Returned && waiting_now == Now::Returned),
            "one get made room for one item, and two puts went on: the queue, \
             of capacity 1, now holds 2.\n\
             hint: the woken producer found the place taken by a quicker one, \
             and put its item all the same. Waking up is no proof of room: look \
             again, every time (chapter 10, \"The two classic bugs\")."
        );
        // One of the two still waits for room: make it, and both end.
        on(&queue, "get", BoundedQueue::get);
        let ended = (waiting.join(LIMIT), other.join(LIMIT));
        assert!(
            matches!(ended, (Some(Ok(())), Some((Some(0), Ok(()))))),
            "after one more get, both puts must have gone through: {ended:?}"
        );
    }
}

#[test]
fn a_woken_consumer_looks_again_for_an_item() {
    for _ in 0..ROUNDS {
        let queue = queue(1);
        let waiting =
            must_wait(watch(&queue, "get", BoundedQueue::get), "get", "empty");
        // Another thread puts an item, which wakes the waiting consumer,
        // and at once takes it back: most times, before the woken consumer
        // has the lock again.
        let other = watch(&queue, "put(1), then get", |queue| {
            (queue.put(1), queue.get())
        });
        let other_now = other.settle(LIMIT);
        let waiting_now = waiting.settle(LIMIT);
        assert!(
            other_now != Now::Running && waiting_now != Now::Running,
            "put(1) then get, and a get that waited, neither returned nor \
             waited within {:.0} s: does one spin in a loop?",
            LIMIT.as_secs_f64()
        );
        // One of the two still waits for an item: give it one, and both end.
        on(&queue, "put", |queue| queue.put(2)).expect("an open queue");
        let (waited, other) = (waiting.join(LIMIT), other.join(LIMIT));
        assert_ne!(
            waited,
            Some(None),
            "a get returned None, which means closed and empty, on a queue that \
             was never closed.\n\
             hint: woken by a put, the consumer found the item taken by a \
             quicker one, and took the empty queue for the end. Waking up is no \
             proof of an item: look again, every time (chapter 10, \"The two \
             classic bugs\")."
        );
        assert!(
            waited.is_some() && other.is_some(),
            "after one more put, both gets must have returned"
        );
    }
}

#[test]
fn close_wakes_every_waiting_consumer() {
    let queue = queue::<usize>(2);
    let consumers: Vec<_> = (0..4)
        .map(|n| watch(&queue, &format!("get {n}"), BoundedQueue::get))
        .map(|consumer| must_wait(consumer, "get", "empty"))
        .collect();
    on(&queue, "close", BoundedQueue::close);
    let ended = join_all(consumers);
    let still = ended.iter().filter(|e| e.is_none()).count();
    assert_eq!(
        still, 0,
        "after close, {still} of the 4 consumers that waited for an item still \
         wait, and will for ever.\n\
         hint: close must wake every thread that waits, not one (notify_all)."
    );
    assert_eq!(
        ended,
        [Some(None); 4],
        "a get on a closed, empty queue is None"
    );
}

#[test]
fn close_wakes_every_waiting_producer() {
    let queue = queue(2);
    on(&queue, "put", |queue| queue.put(0)).expect("an open queue");
    on(&queue, "put", |queue| queue.put(1)).expect("an open queue");
    let producers: Vec<_> = (2..6)
        .map(|n| watch(&queue, &format!("put({n})"), move |queue| queue.put(n)))
        .map(|producer| must_wait(producer, "put", "full"))
        .collect();
    on(&queue, "close", BoundedQueue::close);
    let ended = join_all(producers);
    let still = ended.iter().filter(|e| e.is_none()).count();
    assert_eq!(
        still, 0,
        "after close, {still} of the 4 producers that waited for room still \
         wait, and will for ever.\n\
         hint: close must wake every thread that waits, in put as well as in \
         get (notify_all on both Condvars)."
    );
    assert_eq!(
        ended,
        (2..6).map(|n| Some(Err(Closed(n)))).collect::<Vec<_>>(),
        "a put that was waiting when the queue closed fails, and gives its \
         item back"
    );
}

#[test]
fn every_item_arrives_once_in_order_from_each_producer() {
    let (producers, each, consumers) = (3, 200, 3);
    for _ in 0..ROUNDS {
        // A small queue: it is full and empty again and again.
        let queue = queue::<(usize, usize)>(2);
        let taking: Vec<_> = (0..consumers)
            .map(|c| {
                watch(&queue, &format!("consumer {c}"), |queue| {
                    let mut took = Vec::new();
                    while let Some(item) = queue.get() {
                        took.push(item);
                    }
                    took
                })
            })
            .collect();
        let putting: Vec<_> = (0..producers)
            .map(|p| {
                watch(&queue, &format!("producer {p}"), move |queue| {
                    (0..each).all(|n| queue.put((p, n)).is_ok())
                })
            })
            .collect();
        let put = join_all(putting);
        // The queue is not closed yet: every consumer is still there.
        let gone = (taking.iter())
            .filter(|consumer| consumer.now() == Now::Returned)
            .count();
        assert_eq!(
            gone, 0,
            "{gone} of {consumers} consumers' get returned None, which means \
             closed and empty, on a queue that was not closed.\n\
             hint: a woken consumer must look again for an item before it takes \
             an empty queue for the end."
        );
        let stuck = put.iter().filter(|p| p.is_none()).count();
        assert_eq!(
            stuck,
            0,
            "stuck: after {:.0} s, {stuck} of {producers} producers still waited \
             to put, with {consumers} consumers there to take.\n\
             hint: did a wake-up go to a thread that could not use it? With one \
             Condvar for both kinds of thread, notify_one after a put can wake \
             another producer instead of a consumer, and the consumers sleep on \
             (chapter 10, \"Part 2: a blocking queue from a Mutex and a \
             Condvar\").",
            LIMIT.as_secs_f64()
        );
        assert!(
            put.iter().all(|p| *p == Some(true)),
            "a put failed on a queue that was not closed"
        );
        on(&queue, "close", BoundedQueue::close);
        let took = join_all(taking);
        let stuck = took.iter().filter(|c| c.is_none()).count();
        assert_eq!(
            stuck, 0,
            "stuck: {stuck} of {consumers} consumers still waited after close"
        );
        let mut all = Vec::new();
        for took in took.into_iter().flatten() {
            for p in 0..producers {
                let from_p: Vec<usize> = (took.iter())
                    .filter(|(from, _)| *from == p)
                    .map(|(_, n)| *n)
                    .collect();
                assert!(
                    from_p.is_sorted(),
                    "a consumer took producer {p}'s items out of order: {from_p:?}\n\
                     hint: first in, first out (push_back, pop_front)"
                );
            }
            all.extend(took);
        }
        all.sort_unstable();
        let expected: Vec<_> = (0..producers)
            .flat_map(|p| (0..each).map(move |n| (p, n)))
            .collect();
        assert!(
            all == expected,
            "{} items taken, of {} put: every item must arrive, once",
            all.len(),
            expected.len()
        );
    }
}
