//! The embedded eBPF sensor as use cases: probe the machine, and a snapshot (run for a while,
//! return the flows). `sensor run` streams; this is its final record set, for callers that
//! want one document.

use std::time::Duration;

use crate::error::{Error, Exit, Result};
use crate::sensor::flows::Snapshot;
use crate::sensor::privileges::Probe;
use crate::sensor::{Aggregator, Sensor, SensorConfig};

/// What the machine has and lacks for the sensor (loads and attaches the real object as the
/// final proof when the privileges are there).
pub async fn probe() -> Result<Probe> {
    tokio::task::spawn_blocking(crate::sensor::probe)
        .await
        .map_err(|e| Error::msg(Exit::Failed, format!("probing the sensor: {e}")))
}

/// Watch TCP connections for `duration`, then detach and return every flow with its totals
/// and the run's summary (what `sensor run --duration D -o json` ends with).
pub async fn snapshot(config: &SensorConfig, duration: Duration) -> Result<Snapshot> {
    let started = jiff::Timestamp::now();
    let mut sensor = Sensor::start(config)?;
    let mut agg = Aggregator::new();
    let mut batch = Vec::with_capacity(4096);
    let stop = tokio::time::sleep(duration);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            r = sensor.next_batch(&mut batch) => {
                r?;
                for ev in batch.drain(..) {
                    agg.add(&ev);
                }
            }
            () = &mut stop => break,
        }
    }
    sensor.drain_now(&mut batch);
    for ev in batch.drain(..) {
        agg.add(&ev);
    }
    let health = sensor.health();
    sensor.stop();
    Ok(Snapshot::new(
        &agg.totals(),
        started,
        jiff::Timestamp::now(),
        &health,
    ))
}
