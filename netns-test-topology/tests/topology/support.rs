//! Helpers shared by the tests.

use netns_test_topology::{Cidr, Diagnostic, Plan, Topology};

/// The plan of a topology that must be valid.
pub fn plan(src: &str) -> Plan {
    match src.parse::<Topology>() {
        Ok(topology) => topology.plan().clone(),
        Err(error) => panic!("expected a valid topology, got:\n{error}"),
    }
}

/// The diagnostics of a topology that must be invalid.
pub fn errors(src: &str) -> Vec<Diagnostic> {
    match src.parse::<Topology>() {
        Ok(topology) => panic!("expected errors, got the plan {:#?}", topology.plan()),
        Err(error) => error.diagnostics().to_vec(),
    }
}

/// `LINE:COLUMN message` for each error.
pub fn summary(src: &str) -> Vec<String> {
    errors(src)
        .iter()
        .map(|d| format!("{}:{} {}", d.line(), d.column(), d.message()))
        .collect()
}

/// The one error of a topology with exactly one mistake.
pub fn only_error(src: &str) -> Diagnostic {
    let mut errors = errors(src);
    assert_eq!(errors.len(), 1, "expected one error, got:\n{errors:#?}");
    errors.remove(0)
}

/// The rendered one error.
pub fn rendered(src: &str) -> String {
    only_error(src).to_string()
}

pub fn cidr(text: &str) -> Cidr {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}
