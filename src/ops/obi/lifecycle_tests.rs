//! Unit tests of the pure parts of [`super::lifecycle`].

use super::lifecycle::{image_ref, image_tag};

#[test]
fn image_references() {
    assert_eq!(image_ref(None, None).unwrap(), "otel/ebpf-instrument:main");
    assert_eq!(
        image_ref(None, Some("v0.10.0")).unwrap(),
        "otel/ebpf-instrument:v0.10.0"
    );
    assert_eq!(
        image_ref(Some("registry:5000/obi"), Some("v1")).unwrap(),
        "registry:5000/obi:v1"
    );
    assert_eq!(
        image_ref(Some("ghcr.io/x/obi:v2"), None).unwrap(),
        "ghcr.io/x/obi:v2"
    );
    let e = image_ref(Some("ghcr.io/x/obi:v2"), Some("v3")).unwrap_err();
    assert_eq!(e.exit(), crate::error::Exit::Usage);
    assert!(e.chain().contains("already names a tag"), "{}", e.chain());
}

#[test]
fn tags_choose_the_config_key_set() {
    assert_eq!(image_tag("otel/ebpf-instrument:main"), "main");
    assert_eq!(image_tag("registry:5000/obi"), "latest");
    assert_eq!(image_tag("registry:5000/obi:v0.3.0"), "v0.3.0");
    assert_eq!(image_tag("otel/ebpf-instrument@sha256:abc"), "unknown");
}
