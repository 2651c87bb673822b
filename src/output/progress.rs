//! Progress on stderr: an indicatif spinner on a TTY, plain lines otherwise (CI logs).

use std::io::Write;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    last: std::sync::Mutex<String>,
}

impl Progress {
    pub fn start(tty: bool, message: &str) -> Progress {
        let bar = tty.then(|| {
            let pb = ProgressBar::new_spinner();
            pb.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .expect("static template")
                    .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "),
            );
            pb.enable_steady_tick(Duration::from_millis(100));
            pb.set_message(message.to_string());
            pb
        });
        if bar.is_none() {
            let _ = writeln!(std::io::stderr(), "{message}");
        }
        Progress {
            bar,
            last: std::sync::Mutex::new(message.to_string()),
        }
    }

    /// Update the message; off a TTY a line is printed only when the text changes.
    pub fn set(&self, message: &str) {
        let mut last = self.last.lock().expect("progress lock");
        if *last == message {
            return;
        }
        *last = message.to_string();
        match &self.bar {
            Some(pb) => pb.set_message(message.to_string()),
            None => {
                let _ = writeln!(std::io::stderr(), "{message}");
            }
        }
    }

    /// Print a line above the spinner (or plainly).
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(pb) => pb.println(line),
            None => {
                let _ = writeln!(std::io::stderr(), "{line}");
            }
        }
    }

    /// Stop and remove the spinner.
    pub fn finish(&self) {
        if let Some(pb) = &self.bar {
            pb.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
