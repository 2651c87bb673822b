//! The CLI's sink for [`ops::Events`]: applied objects as kubectl-style lines on stdout (table
//! output only), progress as a spinner or plain lines on stderr, notes and warnings on stderr.

use std::sync::Mutex;

use crate::cli::OutputFormat;
use crate::ops::{Event, Events, Failure};
use crate::output::Out;
use crate::output::progress::Progress;

pub struct CliEvents<'a> {
    out: &'a Out,
    progress: Mutex<Option<Progress>>,
}

impl<'a> CliEvents<'a> {
    pub fn new(out: &'a Out) -> CliEvents<'a> {
        CliEvents {
            out,
            progress: Mutex::new(None),
        }
    }
}

impl Events for CliEvents<'_> {
    fn emit(&self, event: Event) {
        let mut progress = self.progress.lock().expect("progress lock");
        match event {
            Event::Applied(a) => match self.out.format() {
                Some(OutputFormat::Json | OutputFormat::Yaml) => {}
                Some(OutputFormat::Name) => self.out.line(&a.reference),
                _ => self.out.line(&format!("{} {}", a.reference, a.action)),
            },
            Event::Started(m) => {
                if let Some(p) = progress.take() {
                    p.finish();
                }
                *progress = Some(self.out.progress(&m));
            }
            Event::Progress(m) => match progress.as_ref() {
                Some(p) => p.set(&m),
                None => self.out.note(&m),
            },
            Event::Finished => {
                if let Some(p) = progress.take() {
                    p.finish();
                }
            }
            Event::Note(m) => match progress.as_ref() {
                Some(p) => p.println(&m),
                None => self.out.note(&m),
            },
            Event::Warning(m) => self.out.warn(&m),
        }
    }
}

/// Why workloads did not become ready, with their last log lines, on stderr.
pub fn report_failures(out: &Out, failures: &[Failure]) {
    for f in failures {
        for r in &f.reasons {
            out.note(&format!("  {r}"));
        }
        for l in &f.logs {
            out.note(&format!("  last log lines of {}:", l.source));
            for line in &l.lines {
                out.note(&format!("    {line}"));
            }
        }
    }
}
