//! End-to-end tests and examples for netns-test live in `tests/` and `examples/`.
