//! Standard output and standard error for the commands. `println!` and `eprintln!` panic once
//! the reader has gone (`lathe analyze album.json | head -3`, `lathe assist … 2>&1 | head -1`);
//! here a closed pipe ends the printing, not the work: the command still finishes what it
//! writes to disk and exits with its own code.

use std::fmt;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard output cannot be written: nothing more is tried.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `args` to standard output, then a newline when `newline`. A reader that has gone
/// ends the printing quietly; any other failure is said once on standard error.
pub fn write(args: fmt::Arguments<'_>, newline: bool) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = put(&mut std::io::stdout().lock(), args, newline) {
        CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != ErrorKind::BrokenPipe {
            write_err(
                format_args!(
                    "lathe: cannot write to standard output ({e}); the rest of the report is not shown"
                ),
                true,
            );
        }
    }
}

/// Writes `args` to standard error, then a newline when `newline`. A failure is ignored: there
/// is nowhere left to say it, and a warning that cannot be shown must not end the command.
pub fn write_err(args: fmt::Arguments<'_>, newline: bool) {
    let _ = put(&mut std::io::stderr().lock(), args, newline);
}

/// `args`, then a newline when `newline`, into `stream`.
fn put(stream: &mut impl Write, args: fmt::Arguments<'_>, newline: bool) -> std::io::Result<()> {
    stream.write_fmt(args)?;
    if newline {
        stream.write_all(b"\n")?;
    }
    Ok(())
}

/// `println!` for the commands' reports (see the module).
macro_rules! outln {
    () => {
        $crate::cli::out::write(format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::cli::out::write(format_args!($($arg)*), true)
    };
}

/// `print!` for the commands' reports (see the module).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::out::write(format_args!($($arg)*), false)
    };
}

/// `eprintln!` for the commands' messages and warnings (see the module).
macro_rules! errln {
    () => {
        $crate::cli::out::write_err(format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::cli::out::write_err(format_args!($($arg)*), true)
    };
}

/// `eprint!` for progress lines (see the module).
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::cli::out::write_err(format_args!($($arg)*), false)
    };
}
