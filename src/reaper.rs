//! A reaper of its own for each test run (Linux): a process between backlings and the test
//! that is the "child subreaper" of everything the test starts. A daemon that leaves the
//! process group and the session (setsid, double fork) is re-parented to it instead of to
//! init, so when the test ends, or the reaper is told to stop, it can kill every process left
//! under it — and only those: parallel checks and the background build each sit under a
//! different reaper, or under none.
//!
//! The reaper is the child std forks for the command, diverted in `pre_exec`: it forks once
//! more, the grandchild goes on to exec the test, and the reaper supervises it and never
//! returns. Being a fork of a multi-threaded process, the reaper may only make system calls:
//! no allocation, no locks, no panics (std turns a panic there into an abort anyway).

use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::{mem, ptr};

/// The signal that tells a reaper to kill everything under it and exit.
pub const STOP: i32 = libc::SIGTERM;

/// How many times in a row the reaper looks for its children in vain, a millisecond apart,
/// before it gives up on them (a /proc that shows another pid namespace would never show
/// them, and the reaper must not hang).
const FRUITLESS_SCANS: u32 = 200;

/// Makes `cmd` run under a reaper of its own: the child's pid is the reaper's, the reaper's
/// exit status is the command's, and [`STOP`] sent to the reaper kills the command and all
/// it started. The reaper dies with the thread that spawned it (sending itself [`STOP`]
/// first), and the command dies with the reaper.
pub fn contain(cmd: &mut Command) {
    // SAFETY: `become_reaper` makes only async-signal-safe calls (see the module comment).
    unsafe {
        cmd.pre_exec(become_reaper);
    }
}

/// Runs in the child std forked: forks the command's process and becomes its reaper.
fn become_reaper() -> io::Result<()> {
    // SAFETY: system calls on memory owned by this frame; see the module comment.
    unsafe {
        if libc::prctl(libc::PR_SET_PDEATHSIG, STOP) != 0
            || libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1) != 0
        {
            return Err(io::Error::last_os_error());
        }
        let reaper = libc::getpid();
        // Every signal is blocked and awaited with sigwaitinfo: no handler inherited from
        // backlings ever runs here. SIGCHLD must not be ignored, or exits would go unreported.
        let mut all: libc::sigset_t = mem::zeroed();
        let mut inherited: libc::sigset_t = mem::zeroed();
        libc::sigfillset(&mut all);
        libc::sigprocmask(libc::SIG_SETMASK, &all, &mut inherited);
        set_default(libc::SIGCHLD);
        match libc::fork() {
            -1 => {
                let error = io::Error::last_os_error();
                libc::sigprocmask(libc::SIG_SETMASK, &inherited, ptr::null_mut());
                Err(error)
            }
            0 => {
                // The command: it dies with its reaper, and has a process group of its own
                // so that signalling its group cannot reach the reaper.
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                if libc::getppid() != reaper {
                    libc::_exit(1);
                }
                libc::setpgid(0, 0);
                libc::sigprocmask(libc::SIG_SETMASK, &inherited, ptr::null_mut());
                Ok(())
            }
            leader => {
                // The pipes to backlings and std's exec-error channel belong to the command:
                // holding them here would delay their end-of-file, and std's spawn with them.
                close_all_files();
                let status = supervise(reaper, leader);
                exit_as(status)
            }
        }
    }
}

/// Waits for the command to exit or for a signal to stop, then kills and reaps everything
/// under the reaper. Returns the command's wait status.
unsafe fn supervise(me: libc::pid_t, leader: libc::pid_t) -> libc::c_int {
    // SAFETY (whole body): system calls on memory owned by this frame.
    unsafe {
        let mut wake: libc::sigset_t = mem::zeroed();
        libc::sigemptyset(&mut wake);
        for signal in [libc::SIGCHLD, STOP, libc::SIGINT, libc::SIGHUP] {
            libc::sigaddset(&mut wake, signal);
        }
        let mut status = None;
        loop {
            let signal = libc::sigwaitinfo(&wake, ptr::null_mut());
            if signal == libc::SIGCHLD {
                // Leave an exited command unreaped for now: its pid, and so its process
                // group's id, cannot be reused while it is a zombie.
                if has_exited(leader) {
                    break;
                }
                // Orphans adopted while the command runs are reaped as they die.
                reap(leader, &mut status);
                if status.is_some() {
                    break;
                }
            } else if signal > 0 {
                break;
            }
        }
        if status.is_none() {
            // Most of what is left is in the command's group: one signal for all of it.
            libc::kill(-leader, libc::SIGKILL);
            libc::kill(leader, libc::SIGKILL);
        }
        // The rest are children of the reaper; killing them hands their own children to the
        // reaper in turn, so each round takes down one more level, until none is left.
        let mut fruitless = 0;
        while reap(leader, &mut status) && fruitless < FRUITLESS_SCANS {
            match kill_children(me) {
                Some(0) => {
                    // A child the scan missed (it was being re-parented): look again.
                    fruitless += 1;
                    let pause = libc::timespec {
                        tv_sec: 0,
                        tv_nsec: 1_000_000,
                    };
                    libc::nanosleep(&pause, ptr::null_mut());
                }
                Some(_) => {
                    fruitless = 0;
                    let mut st = 0;
                    if libc::waitpid(-1, &mut st, 0) == leader {
                        status = Some(st);
                    }
                }
                None => break,
            }
        }
        // Killed before it could be reaped: report it as killed.
        status.unwrap_or(libc::SIGKILL)
    }
}

/// Whether the command has exited, leaving it a zombie.
unsafe fn has_exited(leader: libc::pid_t) -> bool {
    // SAFETY: waitid writes only into the zeroed siginfo we own.
    unsafe {
        let mut info: libc::siginfo_t = mem::zeroed();
        let options = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
        libc::waitid(libc::P_PID, leader as libc::id_t, &mut info, options) == 0
            && info.si_pid() == leader
    }
}

/// Reaps every child that has exited, keeping the command's status. Returns whether any
/// child is left.
unsafe fn reap(leader: libc::pid_t, status: &mut Option<libc::c_int>) -> bool {
    loop {
        let mut st = 0;
        // SAFETY: waitpid writes only into `st`.
        let pid = unsafe { libc::waitpid(-1, &mut st, libc::WNOHANG) };
        if pid == leader {
            *status = Some(st);
        } else if pid == 0 {
            return true;
        } else if pid < 0 {
            return false;
        }
    }
}

/// Sends SIGKILL to every child of the reaper, found in /proc. Returns how many, or `None`
/// if /proc cannot be read.
unsafe fn kill_children(me: libc::pid_t) -> Option<usize> {
    // SAFETY (whole body): system calls on buffers owned by this frame, lengths passed along.
    unsafe {
        let dir = libc::open(
            c"/proc".as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        );
        if dir < 0 {
            return None;
        }
        let mut killed = 0;
        let mut buf = [0u8; 4096];
        loop {
            let n = libc::syscall(libc::SYS_getdents64, dir, buf.as_mut_ptr(), buf.len());
            if n <= 0 {
                break;
            }
            // Each record: inode (8 bytes), offset (8), record length (2), type (1), name.
            let records = &buf[..n as usize];
            let mut at = 0;
            while let Some(len) = records.get(at + 16..at + 18) {
                let len = u16::from_ne_bytes([len[0], len[1]]) as usize;
                let name = records.get(at + 19..at + len).unwrap_or(&[]);
                if let Some(pid) = parse_pid(name)
                    && pid != me
                    && parent_of(pid) == Some(me)
                {
                    libc::kill(pid, libc::SIGKILL);
                    killed += 1;
                }
                if len == 0 {
                    break;
                }
                at += len;
            }
        }
        libc::close(dir);
        Some(killed)
    }
}

/// The parent of a process, from /proc/PID/stat.
fn parent_of(pid: libc::pid_t) -> Option<libc::pid_t> {
    let mut path = [0u8; 32];
    let mut len = 0;
    let mut number = [0u8; 12];
    for part in [&b"/proc/"[..], digits(pid, &mut number), b"/stat\0"] {
        path.get_mut(len..len + part.len())?.copy_from_slice(part);
        len += part.len();
    }
    let mut stat = [0u8; 256];
    // SAFETY: the path is NUL-terminated; read writes at most the buffer's length.
    let n = unsafe {
        let file = libc::open(path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC);
        if file < 0 {
            return None;
        }
        let n = libc::read(file, stat.as_mut_ptr().cast(), stat.len());
        libc::close(file);
        n
    };
    // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so look after the
    // last closing one.
    let stat = stat.get(..usize::try_from(n).ok()?)?;
    let close = stat.iter().rposition(|&b| b == b')')?;
    let ppid = stat.get(close + 4..)?;
    let end = ppid.iter().position(|&b| b == b' ').unwrap_or(ppid.len());
    parse_pid(&ppid[..end])
}

/// A pid from its decimal digits, up to a NUL; `None` for anything else.
fn parse_pid(text: &[u8]) -> Option<libc::pid_t> {
    let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
    let text = &text[..end];
    if text.is_empty() || text.len() > 9 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        text.iter()
            .fold(0, |n, &d| n * 10 + libc::pid_t::from(d - b'0')),
    )
}

/// The decimal digits of a pid, written into `buf`.
fn digits(pid: libc::pid_t, buf: &mut [u8; 12]) -> &[u8] {
    let mut n = pid.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 || at == 0 {
            return &buf[at..];
        }
    }
}

/// Closes every file descriptor of the reaper.
unsafe fn close_all_files() {
    // SAFETY: closing descriptors touches no memory.
    unsafe {
        if libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32) == 0 {
            return;
        }
        // Kernels before 5.9: one by one, up to the limit.
        let mut limit: libc::rlimit = mem::zeroed();
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        for fd in 0..limit.rlim_cur.min(1 << 16) as libc::c_int {
            libc::close(fd);
        }
    }
}

/// Exits as the command did: with its code, or killed by its signal (without a core dump).
unsafe fn exit_as(status: libc::c_int) -> ! {
    // SAFETY: system calls on values owned by this frame.
    unsafe {
        if libc::WIFSIGNALED(status) {
            let signal = libc::WTERMSIG(status);
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            set_default(signal);
            let mut only: libc::sigset_t = mem::zeroed();
            libc::sigemptyset(&mut only);
            libc::sigaddset(&mut only, signal);
            libc::kill(libc::getpid(), signal);
            libc::sigprocmask(libc::SIG_UNBLOCK, &only, ptr::null_mut());
            libc::_exit(128 + signal);
        }
        libc::_exit(libc::WEXITSTATUS(status))
    }
}

/// Restores a signal's default action.
unsafe fn set_default(signal: libc::c_int) {
    // SAFETY: sigaction reads the zeroed action we own.
    unsafe {
        let mut action: libc::sigaction = mem::zeroed();
        action.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(signal, &action, ptr::null_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parent_from_proc() {
        // SAFETY: getpid and getppid cannot fail.
        let (me, parent) = unsafe { (libc::getpid(), libc::getppid()) };
        assert_eq!(parent_of(me), Some(parent));
    }

    #[test]
    fn pids_are_digits_up_to_a_nul() {
        assert_eq!(parse_pid(b"1234\0junk"), Some(1234));
        assert_eq!(parse_pid(b"self"), None);
        assert_eq!(parse_pid(b""), None);
        assert_eq!(digits(40321, &mut [0; 12]), b"40321");
        assert_eq!(digits(0, &mut [0; 12]), b"0");
    }
}
