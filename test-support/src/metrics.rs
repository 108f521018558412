//! What the `metrics` facade recorded while some requests ran: counters
//! by label, histogram samples, and every key, for tests of the crate's
//! metrics (feature `metrics`).

use metrics::{SharedString, Unit};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use metrics_util::CompositeKey;
use std::future::Future;

/// The metrics recorded by [`record`].
pub struct Recorded(Vec<(CompositeKey, Option<Unit>, Option<SharedString>, DebugValue)>);

/// Runs `work` on a current-thread runtime with a recorder of its own
/// (`metrics::with_local_recorder`), and returns what it recorded.
pub fn record<F: Future>(work: impl FnOnce() -> F) -> Recorded {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(work());
    });
    Recorded(snapshotter.snapshot().into_vec())
}

impl Recorded {
    /// The counters named `name`, summed by the value of their label
    /// `label`, sorted by that value.
    pub fn counters(&self, name: &str, label: &str) -> Vec<(String, u64)> {
        let mut counts = std::collections::BTreeMap::<String, u64>::new();
        for (key, _, _, value) in self.0.iter().filter(|(key, ..)| key.key().name() == name) {
            let labelled = key.key().labels().find(|l| l.key() == label);
            let value_of_label = labelled.map_or("", |l| l.value()).to_owned();
            match value {
                DebugValue::Counter(n) => *counts.entry(value_of_label).or_default() += n,
                other => panic!("{name} is not a counter: {other:?}"),
            }
        }
        counts.into_iter().collect()
    }

    /// How many samples the histogram `name` with `label` = `value` holds;
    /// `None` when there is no such histogram.
    pub fn samples(&self, name: &str, label: &str, value: &str) -> Option<usize> {
        self.0.iter().find_map(|(key, _, _, recorded)| {
            let key = key.key();
            let this =
                key.name() == name && key.labels().any(|l| l.key() == label && l.value() == value);
            match recorded {
                DebugValue::Histogram(samples) if this => Some(samples.len()),
                _ => None,
            }
        })
    }

    /// Every key with its labels, as `Debug` renders them: for checking
    /// that no secret became a label.
    pub fn keys(&self) -> String {
        self.0
            .iter()
            .map(|(key, _, _, _)| format!("{:?}", key.key()))
            .collect()
    }
}

/// `[(label value, count)]` as [`Recorded::counters`] returns them.
pub fn counts(expected: &[(&str, u64)]) -> Vec<(String, u64)> {
    expected.iter().map(|(v, n)| (v.to_string(), *n)).collect()
}
