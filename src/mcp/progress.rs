//! The MCP server's sink for [`ops::Events`]: each event's text as `notifications/progress`
//! when the client sent a progress token; otherwise events go to the log (stderr).

use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::{Peer, RoleServer};
use tokio::sync::mpsc;

use crate::ops::{Event, Events};

/// Forwards events as progress notifications, in order, from a task of its own (`emit` is
/// synchronous; sending is not).
pub struct McpEvents {
    tx: Option<mpsc::UnboundedSender<String>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl McpEvents {
    /// Without a token nothing is sent.
    pub fn new(peer: &Peer<RoleServer>, token: Option<ProgressToken>) -> McpEvents {
        let Some(token) = token else {
            return McpEvents {
                tx: None,
                task: None,
            };
        };
        let (tx, mut rx) = mpsc::unbounded_channel::<String>();
        let peer = peer.clone();
        let task = tokio::spawn(async move {
            let mut n = 0f64;
            while let Some(message) = rx.recv().await {
                n += 1.0;
                let param = ProgressNotificationParam::new(token.clone(), n).with_message(message);
                if let Err(e) = peer.notify_progress(param).await {
                    tracing::debug!("sending a progress notification: {e}");
                    break;
                }
            }
        });
        McpEvents {
            tx: Some(tx),
            task: Some(task),
        }
    }

    /// Send what is queued, then stop: no progress may follow the request's response.
    pub async fn finish(mut self) {
        self.tx = None;
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Send one message (a log line of a followed stream, say).
    pub fn send(&self, message: String) {
        match &self.tx {
            Some(tx) => {
                let _ = tx.send(message);
            }
            None => tracing::debug!("{message}"),
        }
    }
}

/// The text of an event, as the CLI shows it.
pub fn event_text(event: &Event) -> Option<String> {
    match event {
        Event::Applied(a) => Some(format!("{} {}", a.reference, a.action)),
        Event::Started(m) | Event::Progress(m) | Event::Note(m) => Some(m.clone()),
        Event::Warning(m) => Some(format!("warning: {m}")),
        Event::Finished => None,
    }
}

impl Events for McpEvents {
    fn emit(&self, event: Event) {
        if let Some(text) = event_text(&event) {
            if let Event::Warning(m) = &event {
                tracing::warn!("{m}");
            }
            self.send(text);
        }
    }
}
