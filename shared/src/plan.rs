//! The task plan: what each worker will sleep, from which the kit derives the
//! ideal time (nothing overlaps better than the busiest worker) and the
//! sequential time (everything one after another).

use std::time::Duration;

/// The sleeps a lesson plans to make, worker by worker, at scale 1.
///
/// The lesson builds it from the same constants its code loops over, so the
/// ideal time in the summary is derived, never typed in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    workers: Vec<Vec<Duration>>,
    /// For a pool, how many workers it has, busy or not.
    pool_size: Option<usize>,
}

impl Plan {
    /// An empty plan: for lessons whose time has no ideal (counters, queues).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a worker that makes these sleeps one after another.
    pub fn worker(mut self, sleeps: impl IntoIterator<Item = Duration>) -> Self {
        self.workers.push(sleeps.into_iter().collect());
        self
    }

    /// A pool of `workers` that takes the tasks in order, each task going to
    /// the worker that becomes free first (how a thread or process pool
    /// hands out work).
    pub fn pool(workers: usize, tasks: impl IntoIterator<Item = Duration>) -> Self {
        let mut lanes = vec![Vec::new(); workers.max(1)];
        let mut busy_until = vec![Duration::ZERO; lanes.len()];
        for task in tasks {
            // Ties go to the lowest-numbered worker, so the plan is deterministic.
            let free = (0..lanes.len()).min_by_key(|&w| busy_until[w]).unwrap_or(0);
            busy_until[free] += task;
            lanes[free].push(task);
        }
        lanes.retain(|lane| !lane.is_empty());
        Self {
            workers: lanes,
            pool_size: Some(workers),
        }
    }

    /// For a plan made by [`Plan::pool`], the pool's size: the timeline
    /// shows that many workers, idle ones included.
    pub fn pool_size(&self) -> Option<usize> {
        self.pool_size
    }

    /// How many tasks the plan holds.
    pub fn task_count(&self) -> usize {
        self.workers.iter().map(Vec::len).sum()
    }

    /// The busiest worker's total: no schedule of this plan can finish sooner.
    /// `None` when the plan is empty.
    pub fn ideal(&self) -> Option<Duration> {
        self.workers.iter().map(|w| w.iter().sum()).max()
    }

    /// Every sleep one after another: the time with no concurrency at all.
    /// `None` when the plan is empty.
    pub fn sequential(&self) -> Option<Duration> {
        if self.workers.is_empty() {
            return None;
        }
        Some(self.workers.iter().flatten().sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn one_worker_runs_everything_in_turn() {
        let plan = Plan::new().worker(vec![secs(2.0); 9]);
        assert_eq!(plan.ideal(), Some(secs(18.0)));
        assert_eq!(plan.sequential(), Some(secs(18.0)));
        assert_eq!(plan.task_count(), 9);
    }

    #[test]
    fn two_workers_take_as_long_as_the_busier() {
        let plan = Plan::new()
            .worker(vec![secs(2.0); 4])
            .worker(vec![secs(2.0); 5]);
        assert_eq!(plan.ideal(), Some(secs(10.0)));
        assert_eq!(plan.sequential(), Some(secs(18.0)));
    }

    #[test]
    fn uneven_workers() {
        let plan = Plan::new()
            .worker(vec![secs(1.0); 5])
            .worker(vec![secs(1.5); 5]);
        assert_eq!(plan.ideal(), Some(secs(7.5)));
        assert_eq!(plan.sequential(), Some(secs(12.5)));
    }

    #[test]
    fn a_pool_rounds_up_to_whole_waves() {
        // 13 one-second tasks on 3 workers: 5 waves (3+3+3+3+1).
        let plan = Plan::pool(3, vec![secs(1.0); 13]);
        assert_eq!(plan.ideal(), Some(secs(5.0)));
        assert_eq!(plan.sequential(), Some(secs(13.0)));
        // 14 two-second tasks on 3 workers: 5 waves of 2 s.
        assert_eq!(Plan::pool(3, vec![secs(2.0); 14]).ideal(), Some(secs(10.0)));
        assert_eq!(Plan::pool(1, vec![secs(2.0); 14]).ideal(), Some(secs(28.0)));
        assert_eq!(Plan::pool(5, vec![secs(2.0); 14]).ideal(), Some(secs(6.0)));
    }

    #[test]
    fn a_pool_gives_the_next_task_to_the_first_free_worker() {
        // Worker 1 takes the 3 s task; meanwhile worker 2 runs the three short ones.
        let plan = Plan::pool(2, [secs(3.0), secs(1.0), secs(1.0), secs(1.0)]);
        assert_eq!(plan.ideal(), Some(secs(3.0)));
    }

    #[test]
    fn a_pool_larger_than_the_work_has_idle_workers() {
        let plan = Plan::pool(8, vec![secs(1.0); 2]);
        assert_eq!(plan.ideal(), Some(secs(1.0)));
        assert_eq!(plan.pool_size(), Some(8));
        assert_eq!(Plan::new().worker([secs(1.0)]).pool_size(), None);
        assert_eq!(Plan::pool(0, vec![secs(1.0); 2]).ideal(), Some(secs(2.0)));
    }

    #[test]
    fn an_empty_plan_has_no_ideal() {
        assert_eq!(Plan::new().ideal(), None);
        assert_eq!(Plan::new().sequential(), None);
    }
}
