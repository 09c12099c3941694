//! The lesson's own options, beside the kit's (`--json`...).

/// The parts of the lesson, in the order the default run shows them.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Where the code, the data, the heap and the stacks are (/proc/self/maps)
    Parts,
    /// The process control block, as Linux shows it (/proc/self/status...)
    Pcb,
    /// Threads and child processes held in each state
    States,
    /// Two busy threads on one core, then on two; a thread that sleeps
    Scheduler,
    /// One static in a parent, in a child process and in a thread
    Isolation,
    /// One program file, two processes, one copy of the code in memory
    Program,
    /// Starting a child from a small and from a big parent: spawn and fork
    Spawn,
}

impl Part {
    pub const ALL: [Part; 7] = [
        Part::Parts,
        Part::Pcb,
        Part::States,
        Part::Scheduler,
        Part::Isolation,
        Part::Program,
        Part::Spawn,
    ];

    /// The part's name, as `--part` takes it and the timeline shows it.
    pub fn name(self) -> &'static str {
        match self {
            Part::Parts => "parts",
            Part::Pcb => "pcb",
            Part::States => "states",
            Part::Scheduler => "scheduler",
            Part::Isolation => "isolation",
            Part::Program => "program",
            Part::Spawn => "spawn",
        }
    }
}

/// What a child process started by the lesson does.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Tell the parent where its parts are: a second run of the program
    Locate,
    /// Show the static, change it, show it again
    Isolation,
    /// Say "ready", then wait until stdin closes
    Stay,
}

impl Role {
    /// The role's name, as `--role` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Locate => "locate",
            Role::Isolation => "isolation",
            Role::Stay => "stay",
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Run only this part (give it again for more); without it, all seven
    #[arg(long, value_name = "PART")]
    pub part: Vec<Part>,
    /// How much more memory the big parent of the spawn part holds, in MiB,
    /// 1 to 4096
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = 256,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u64).range(1..=4096)
    )]
    pub parent_mib: u64,
    /// How many children the spawn part starts each way from each parent,
    /// 1 to 100
    #[arg(
        long,
        value_name = "N",
        default_value_t = 5,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u64).range(1..=100)
    )]
    pub rounds: u64,
    /// Run as a child process in this role (the lesson starts them)
    #[arg(long, hide = true)]
    pub role: Option<Role>,
}

impl Args {
    /// The parts to run, in the order given, or all of them.
    pub fn parts(&self) -> Vec<Part> {
        if self.part.is_empty() {
            Part::ALL.to_vec()
        } else {
            self.part.clone()
        }
    }
}
