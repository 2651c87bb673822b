//! Compose loader (`load_from_strings`) + our mapping and rendering: must never panic, whatever
//! the input. `cargo +nightly fuzz run compose`.
#![no_main]

use std::collections::BTreeMap;
use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;

use b00t::render::{RenderOptions, render_bundle};
use b00t::translate::compose::{LoadOptions, load_from_strings};
use b00t::translate::compose_map::{ComposeMapOptions, map_project};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A project directory that does not exist: no `.env`, env_file or config file is read.
    let opts = LoadOptions {
        working_dir: Some(PathBuf::from("/nonexistent/b00t-fuzz")),
        env: BTreeMap::from([("HOME".to_string(), "/home/fuzz".to_string())]),
        ..Default::default()
    };
    let Ok(project) = load_from_strings(&opts, &[("compose.yaml", text)]) else {
        return;
    };
    if let Ok(bundle) = map_project(&project, &ComposeMapOptions::default()) {
        // Whatever the loader accepts renders to objects that pass the offline schema check.
        let objects =
            render_bundle(&bundle, &RenderOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let _ = serde_json::to_string(&objects);
    }
});
