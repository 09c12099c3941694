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
    /// Crowds of waits side by side: (how many, how long each).
    crowds: Vec<(u64, Duration)>,
    /// Plans run after this one's work, in order: see [`Plan::then`].
    later: Vec<Plan>,
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
            ..Self::default()
        }
    }

    /// For a plan made by [`Plan::pool`], the pool's size: the timeline
    /// shows that many workers, idle ones included.
    pub fn pool_size(&self) -> Option<usize> {
        self.pool_size
    }

    /// Adds `count` waits of `pause` side by side (10 000 threads that each
    /// sleep once, say), planned as one task: the lesson draws them as one
    /// bar. They take one `pause` at best. In turn they would take `count`
    /// pauses, which nobody would run, so a plan with a crowd has no
    /// sequential time (and no speedup): see [`Plan::sequential`].
    pub fn crowd(mut self, count: u64, pause: Duration) -> Self {
        self.crowds.push((count, pause));
        self
    }

    /// This plan's work, then `next`'s once it is all done (the parts of a
    /// lesson that run one after another): the ideals add up, as do the
    /// sequential times and the tasks.
    pub fn then(mut self, next: Plan) -> Self {
        self.later.push(next);
        self
    }

    /// How many tasks the plan holds (a crowd is one).
    pub fn task_count(&self) -> usize {
        let own =
            self.workers.iter().map(Vec::len).sum::<usize>() + self.crowds.len();
        own + self.later.iter().map(Plan::task_count).sum::<usize>()
    }

    /// The busiest worker's total: no schedule of this plan can finish sooner.
    /// `None` when the plan is empty.
    pub fn ideal(&self) -> Option<Duration> {
        let workers = self.workers.iter().map(|w| w.iter().sum());
        let crowds = self.crowds.iter().map(|&(_, pause)| pause);
        let own = workers.chain(crowds).max();
        total(own, self.later.iter().map(Plan::ideal))
    }

    /// Every sleep one after another: the time with no concurrency at all.
    /// `None` when the plan is empty, or when it has a crowd anywhere: ten
    /// thousand waits in turn are no baseline anyone would run, and a
    /// speedup over them would be a figure without a meaning.
    pub fn sequential(&self) -> Option<Duration> {
        if self.has_crowd() {
            return None;
        }
        let own = (!self.workers.is_empty())
            .then(|| self.workers.iter().flatten().copied().sum());
        total(own, self.later.iter().map(Plan::sequential))
    }

    /// Whether the plan, or a part after it, has a crowd of waits.
    fn has_crowd(&self) -> bool {
        !self.crowds.is_empty() || self.later.iter().any(Plan::has_crowd)
    }
}

/// The sum of the figures that exist, or `None` if none does.
fn total(
    first: Option<Duration>,
    rest: impl Iterator<Item = Option<Duration>>,
) -> Option<Duration> {
    std::iter::once(first)
        .chain(rest)
        .flatten()
        .reduce(|sum, d| sum + d)
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
    fn a_crowd_takes_one_pause_counts_as_one_task_and_has_no_sequential_time() {
        let plan = Plan::new().crowd(10_000, secs(1.0));
        assert_eq!(plan.ideal(), Some(secs(1.0)));
        assert_eq!(plan.sequential(), None);
        assert_eq!(plan.task_count(), 1);
        // Beside a worker, the longer of the two is the ideal.
        let both = Plan::new().worker([secs(2.0); 2]).crowd(3, secs(1.0));
        assert_eq!(both.ideal(), Some(secs(4.0)));
        assert_eq!(both.sequential(), None);
        assert_eq!(both.task_count(), 3);
    }

    #[test]
    fn plans_one_after_another_add_up() {
        let cell = Plan::new()
            .worker(vec![secs(2.0); 4])
            .worker(vec![secs(2.0); 5]);
        let later = Plan::new().worker([secs(1.0); 2]);
        let plan = cell.clone().then(later);
        assert_eq!(plan.ideal(), Some(secs(12.0)));
        assert_eq!(plan.sequential(), Some(secs(20.0)));
        assert_eq!(plan.task_count(), 11);
        // A crowd in any part leaves the whole without a sequential time;
        // the ideals still add up.
        let waits = Plan::new()
            .crowd(100, secs(1.0))
            .then(Plan::new().crowd(100, secs(1.0)));
        let plan = cell.then(waits);
        assert_eq!(plan.ideal(), Some(secs(12.0)));
        assert_eq!(plan.sequential(), None);
        assert_eq!(plan.task_count(), 11);
        // An empty part adds nothing; only empty parts make no plan.
        let with_empty = Plan::new().then(Plan::pool(2, [secs(1.0); 3]));
        assert_eq!(with_empty.ideal(), Some(secs(2.0)));
        assert_eq!(with_empty.sequential(), Some(secs(3.0)));
        assert_eq!(Plan::new().then(Plan::new()).ideal(), None);
        assert_eq!(Plan::new().then(Plan::new()).sequential(), None);
    }

    #[test]
    fn an_empty_plan_has_no_ideal() {
        assert_eq!(Plan::new().ideal(), None);
        assert_eq!(Plan::new().sequential(), None);
    }
}
