//! What a load benchmark reads from `/proc` (Linux only): the resident memory and CPU time of a
//! child process it started (the `botwot` server of `tests/support`, whose handle keeps its pid to
//! itself, so the child is found by name among this process's children) and this process's
//! limit of open files, which bounds how many sockets either side can hold, and the machine's
//! load, which says whether the figures were measured on an idle machine.

#![allow(dead_code)]

use std::fs;

/// The pid of this process's one running child whose command name is `name`.
pub fn child_named(name: &str) -> Option<u32> {
    let me = std::process::id();
    let mut found = fs::read_dir("/proc")
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|stat| parent_and_name(&stat) == Some((me, name)))
        });
    let pid = found.next()?;
    match found.next() {
        None => Some(pid),
        Some(_) => None,
    }
}

/// `VmRSS` of `pid`, in bytes.
pub fn resident_bytes(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// CPU time `pid` has used so far (user and system), in seconds; `/proc` counts it in ticks of
/// 1/100 s on Linux.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}

/// How many files `pid` has open.
pub fn open_files(pid: u32) -> Option<usize> {
    Some(fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

/// This process's soft and hard limits of open files.
pub fn open_files_limit() -> Option<(u64, u64)> {
    let limits = fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    let mut numbers = line
        .split_whitespace()
        .filter_map(|word| word.parse::<u64>().ok());
    Some((numbers.next()?, numbers.next()?))
}

/// The parent pid and command name in a `/proc/<pid>/stat` line: `pid (comm) state ppid ...`.
fn parent_and_name(stat: &str) -> Option<(u32, &str)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let parent = stat[close + 1..].split_whitespace().nth(1)?.parse().ok()?;
    Some((parent, &stat[open + 1..close]))
}

/// The machine's load average over the last minute.
pub fn load_average() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
