//! Dockerfile parser + semantic layer + our mapping and rendering: must never panic, whatever
//! the input. `cargo +nightly fuzz run dockerfile`.
#![no_main]

use libfuzzer_sys::fuzz_target;

use b00t::render::{RenderOptions, render_bundle};
use b00t::translate::{DockerfileInput, dockerfile, translate_dockerfile};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(df) = dockerfile::parse(text) {
        let _ = df.dump();
        let _ = dockerfile::resolve(&df, &dockerfile::ResolveOptions::default());
    }
    let input = DockerfileInput {
        path: "Dockerfile".into(),
        text: text.into(),
        name: Some("fuzz".into()),
        ..Default::default()
    };
    if let Ok(bundle) = translate_dockerfile(&input) {
        // Whatever the loader accepts renders to objects that pass the offline schema check.
        let objects =
            render_bundle(&bundle, &RenderOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let _ = serde_json::to_string(&objects);
    }
});
