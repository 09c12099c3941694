//! `--serve`: the embedded site alone, for Python to fetch from, until
//! Ctrl-C, or until nobody reads the lesson's output any more
//! (`--serve | head -1`).

use std::io;
use std::os::fd::AsFd;
use std::process::ExitCode;
use std::sync::mpsc;

use lesson_kit::{Plan, say};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

/// Prints the site's addresses, then serves until a stop.
pub fn serve(urls: &[String]) -> ExitCode {
    lesson_kit::run!(Plan::new(), || {
        for url in urls {
            say!("Serving {url}");
        }
        say!("Press Ctrl-C to stop");
        let (stop, stopped) = mpsc::channel();
        let on_signal = stop.clone();
        lesson_kit::on_stop(move || {
            let _ = on_signal.send(());
        });
        // A closed stdout shows when the next line is written, and a site
        // that serves writes none: a thread watches stdout instead. Once
        // the body below returns, the summary meets the closed pipe and
        // the lesson ends quietly, as after `| head` in any lesson.
        lesson_kit::spawn("a thread to watch stdout", move || {
            if stdout_closed() {
                let _ = stop.send(());
            }
        });
        if !lesson_kit::stopped() {
            let _ = stopped.recv();
        }
    })
}

/// Waits until stdout's reader is gone: `true` once a pipe's reader has
/// closed it (POLLERR) or a terminal has hung up (POLLHUP). A file never
/// closes: it waits for ever. `false` if it cannot watch.
fn stdout_closed() -> bool {
    let stdout = io::stdout();
    let closed = PollFlags::POLLERR | PollFlags::POLLHUP | PollFlags::POLLNVAL;
    loop {
        // No events asked for: poll always reports these three.
        let mut fds = [PollFd::new(stdout.as_fd(), PollFlags::empty())];
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) if fds[0].revents().is_some_and(|r| r.intersects(closed)) => {
                return true;
            }
            Ok(_) | Err(Errno::EINTR) => {}
            Err(_) => return false,
        }
    }
}
